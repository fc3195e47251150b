import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpuBetween, sampleProcessTree } from './process-cpu.ts';

describe('CPU by process', () => {
  it('spreads the CPU each program spent between two samples over the units of work, largest first', () => {
    const before = new Map([
      [1, { name: 'a', cpuMs: 100 }],
      [2, { name: 'b', cpuMs: 50 }],
    ]);
    const after = new Map([
      [1, { name: 'a', cpuMs: 120 }],
      [2, { name: 'b', cpuMs: 250 }],
      [3, { name: 'c', cpuMs: 10 }],
      [4, { name: 'idle', cpuMs: 0 }],
      [5, { name: 'a', cpuMs: 30 }],
    ]);
    expect(cpuBetween(before, after, 10)).toEqual([
      { name: 'b', msPerUnit: 20 },
      { name: 'a', msPerUnit: 5 },
      { name: 'c', msPerUnit: 1 },
    ]);
  });

  it.runIf(existsSync('/proc/self/stat'))('samples a child process that burns CPU, and no process outside the tree', async () => {
    const child = spawn(process.execPath, ['-e', "const end = Date.now() + 300; while (Date.now() < end); console.log('burnt'); setTimeout(() => {}, 30_000)"]);
    try {
      // Sampled once it has burnt its CPU, however long a busy machine takes to get it there.
      await once(child.stdout, 'data');
      const sample = sampleProcessTree(process.pid);
      expect(sample.get(child.pid ?? -1)?.cpuMs).toBeGreaterThan(0);
      expect(sample.has(1)).toBe(false);
      expect(sampleProcessTree(child.pid ?? -1).size).toBe(1);
    } finally {
      child.kill();
      await once(child, 'exit');
    }
  });
});
