/**
 * CPU time of a process and all its descendants, per process, from Linux's /proc: the local cloud
 * runs as a tree (the launcher, the cloud, and child processes for search, queues, the S3 store...),
 * and where a benchmark's CPU goes is read from the difference of two samples. Empty where there is
 * no /proc (macOS): the benchmark then reports no breakdown.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { relative } from 'node:path';
import { repoPath } from '../../infra/paths.ts';

/** CPU milliseconds (user + system) so far, by pid, with a readable name for each process. */
export type CpuSample = Map<number, { name: string; cpuMs: number }>;

const CLOCK_TICKS_PER_SECOND = 100;

/** One /proc/<pid>/stat: its parent and its CPU time; undefined when the process is gone. */
function stat(pid: number): { parent: number; cpuMs: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { parent: Number(fields[1]), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** The first script argument of a node process, relative to the repository (e.g. local/cloud-main.ts). */
function nameOf(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const script = args.slice(1).find((arg) => !arg.startsWith('-') && /\.(m?[jt]s)$/.test(arg) && !arg.includes('node_modules'));
    return script ? relative(repoPath('.'), script) : (args[0] ?? String(pid));
  } catch {
    return String(pid);
  }
}

export function sampleProcessTree(root: number): CpuSample {
  const sample: CpuSample = new Map();
  if (!existsSync('/proc/self/stat')) return sample;
  const parents = new Map<number, { parent: number; cpuMs: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const known = stat(Number(entry));
    if (known) parents.set(Number(entry), known);
  }
  const inTree = (pid: number): boolean => {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parents.get(at)?.parent) if (at === root) return true;
    return false;
  };
  for (const [pid, { cpuMs }] of parents) if (inTree(pid)) sample.set(pid, { name: nameOf(pid), cpuMs });
  return sample;
}

/**
 * CPU ms per unit of work (e.g. per image) spent between two samples by the processes of each name
 * (several processes of one program add up), largest first.
 */
export function cpuBetween(before: CpuSample, after: CpuSample, units: number): { name: string; msPerUnit: number }[] {
  const byName = new Map<string, number>();
  for (const [pid, { name, cpuMs }] of after) byName.set(name, (byName.get(name) ?? 0) + cpuMs - (before.get(pid)?.cpuMs ?? 0));
  return [...byName]
    .map(([name, cpuMs]) => ({ name, msPerUnit: cpuMs / units }))
    .filter(({ msPerUnit }) => msPerUnit > 0)
    .sort((a, b) => b.msPerUnit - a.msPerUnit);
}
