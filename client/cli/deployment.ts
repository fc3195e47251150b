import { existsSync, readFileSync } from 'node:fs';
import { parseStackOutputs, type StackOutputs } from '../../infra/stack-outputs.ts';
import { clientConfigFromOutputs, outputsRecord, type ClientConfig } from '../src/api/config.ts';

/**
 * Where the CLI (and the web app's dev server) find a deployment: the local cloud's
 * `.imagegraph/outputs.json`, or the file `cdk deploy --outputs-file cdk-outputs.json` wrote (one
 * entry per stack). One format for both.
 */
export const DEFAULT_OUTPUTS_FILES = ['.imagegraph/outputs.json', 'cdk-outputs.json'] as const;

export class DeploymentNotFound extends Error {
  override name = 'DeploymentNotFound';
}

/** The operations commands' view: every stack output. */
export function loadDeployment(file?: string): StackOutputs {
  return readOutputs(file, (parsed) => parseStackOutputs(outputsRecord(parsed)));
}

/** The user commands' and web app's view: what a GraphQL client needs. */
export function loadClientConfig(file?: string): ClientConfig {
  return readOutputs(file, clientConfigFromOutputs);
}

/** The outputs file a command uses: `file` when given, else the first default that exists. */
export function findOutputsFile(file?: string): string {
  const path = file ?? DEFAULT_OUTPUTS_FILES.find((candidate) => existsSync(candidate));
  if (!path) {
    throw new DeploymentNotFound(
      `No deployment outputs found (looked for ${DEFAULT_OUTPUTS_FILES.join(', ')}). Run \`npm start\` for the local cloud, ` +
        'or `npx cdk deploy --outputs-file cdk-outputs.json`, or pass --outputs <file>.',
    );
  }
  return path;
}

function readOutputs<T>(file: string | undefined, parse: (parsed: unknown) => T): T {
  const path = findOutputsFile(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DeploymentNotFound(`${path}: ${(error as Error).message}`);
  }
  try {
    return parse(parsed);
  } catch (error) {
    throw new DeploymentNotFound(`${path}: ${(error as Error).message}`);
  }
}
