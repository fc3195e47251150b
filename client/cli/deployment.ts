import { existsSync, readFileSync } from 'node:fs';
import { parseStackOutputs, type StackOutputs } from '../../infra/stack-outputs.ts';

/**
 * Where the CLI finds a deployment: the local cloud's `.imagegraph/outputs.json`, or the file
 * `cdk deploy --outputs-file cdk-outputs.json` wrote (one entry per stack). One format for both.
 */
export const DEFAULT_OUTPUTS_FILES = ['.imagegraph/outputs.json', 'cdk-outputs.json'] as const;

export class DeploymentNotFound extends Error {
  override name = 'DeploymentNotFound';
}

export function loadDeployment(file?: string): StackOutputs {
  const path = file ?? DEFAULT_OUTPUTS_FILES.find((candidate) => existsSync(candidate));
  if (!path) {
    throw new DeploymentNotFound(
      `No deployment outputs found (looked for ${DEFAULT_OUTPUTS_FILES.join(', ')}). Run \`npm start\` for the local cloud, ` +
        'or `npx cdk deploy --outputs-file cdk-outputs.json`, or pass --outputs <file>.',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DeploymentNotFound(`${path}: ${(error as Error).message}`);
  }
  try {
    return parseStackOutputs(stackEntry(parsed));
  } catch (error) {
    throw new DeploymentNotFound(`${path}: ${(error as Error).message}`);
  }
}

/** A CDK outputs file nests the outputs under the stack name; the local file does not. */
function stackEntry(parsed: unknown): unknown {
  if (typeof parsed !== 'object' || parsed === null) return parsed;
  const values = Object.values(parsed);
  const nested = values.length === 1 && typeof values[0] === 'object' && values[0] !== null;
  return nested ? values[0] : parsed;
}
