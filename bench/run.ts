/**
 * `npm run bench`: runs every `bench:*` script of package.json in turn, passes their output
 * through, and ends with one JSON line summarizing them (met when every benchmark met its goals).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { repoPath } from '../infra/paths.ts';

const scripts = Object.keys((JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts)
  .filter((name) => name.startsWith('bench:'));

const results: { benchmark: string; met: boolean }[] = [];
for (const script of scripts) {
  const run = spawnSync('npm', ['run', '--silent', script], { cwd: repoPath('.'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(run.stdout);
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  let met = false;
  try {
    met = run.status === 0 && (JSON.parse(last) as { met?: unknown }).met === true;
  } catch {
    console.error(`${script}: its last line is not the JSON summary`);
  }
  results.push({ benchmark: script, met });
}

console.log('\nAll benchmarks');
for (const result of results) console.log(`  ${result.met ? 'met ' : 'MISS'}  ${result.benchmark}`);
console.log(JSON.stringify({ benchmark: 'bench', figures: { benchmarks: results.length }, goals: results, met: results.every((result) => result.met) }));
