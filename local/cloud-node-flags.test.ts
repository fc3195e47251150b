/** CLOUD_NODE_FLAGS (config.ts) reach every way of running the vision models outside the cloud too. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { repoPath } from '../infra/paths.ts';
import { CLOUD_NODE_FLAGS } from './config.ts';

it('the standalone vision service (npm run local:rekognition) starts with the cloud process Node flags', () => {
  expect(CLOUD_NODE_FLAGS.length).toBeGreaterThan(0);
  const scripts = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const command = scripts['local:rekognition']?.split(' ') ?? [];
  expect(command).toEqual(expect.arrayContaining([...CLOUD_NODE_FLAGS]));
  // Node flags go before the script; after it they would be the script's own arguments.
  const script = command.indexOf('local/rekognition/main.ts');
  for (const flag of CLOUD_NODE_FLAGS) expect(command.indexOf(flag)).toBeLessThan(script);
});
