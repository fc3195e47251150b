/**
 * What /proc says about the local cloud's processes, for the tests that check which processes run
 * and which files they hold open (Linux only, as the tests that use it).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const pids = () =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);

/** Every process descended from `root` (the cloud runs in a session of its own). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of pids()) {
    const parent = statOf(pid)?.parent;
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** A process's state letter and parent, or undefined when it is gone. */
function statOf(pid: number): { state: string; parent: number } | undefined {
  try {
    const [state, parent] = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { state: state!, parent: Number(parent) };
  } catch {
    return undefined;
  }
}

export const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

/** Gone, or a zombie waiting for whoever reaps orphans here. */
export const isAlive = (pid: number) => !['Z', 'X', undefined].includes(statOf(pid)?.state);

/** Live processes (this one aside) whose command line names the data directory (every service gets a path in it). */
export function processesOf(dataDir: string): number[] {
  return pids().filter((pid) => pid !== process.pid && isAlive(pid) && commandOf(pid).includes(dataDir));
}

/** Live processes with `file` (an absolute path, symlinks resolved) open. */
export function processesWithOpen(file: string): number[] {
  return pids().filter((pid) => {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      return false;
    }
    return isAlive(pid) && fds.some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
  });
}
