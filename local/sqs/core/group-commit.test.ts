import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

/** A transaction function that records its nesting: depth 0 calls are commits. */
function recorder() {
  let depth = 0;
  const commits: number[] = [];
  let failCommit = false;
  const transaction = <T>(work: () => T): T => {
    depth += 1;
    try {
      const result = work();
      if (depth === 1) {
        if (failCommit) throw new Error('disk full');
        commits.push(commits.length + 1);
      }
      return result;
    } finally {
      depth -= 1;
    }
  };
  return { transaction, commits, failNextCommit: () => (failCommit = true) };
}

describe('GroupCommit', () => {
  it('commits concurrent writes together and answers each after the commit', async () => {
    const { transaction, commits } = recorder();
    const group = new GroupCommit(transaction);
    const results = await Promise.allSettled([
      group.run(() => 'a'),
      group.run(() => {
        throw new Error('refused');
      }),
      group.run(() => 'c'),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['a', 'refused', 'c']);
    expect(commits).toEqual([1]);
    await group.run(() => 'later');
    expect(commits).toEqual([1, 2]);
  });

  it('acknowledges nothing when the commit fails', async () => {
    const { transaction, failNextCommit } = recorder();
    const group = new GroupCommit(transaction);
    failNextCommit();
    const results = await Promise.allSettled([group.run(() => 'a'), group.run(() => 'b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
