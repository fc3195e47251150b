import { vi } from 'vitest';
import { type LocalS3, startLocalS3 } from './local-s3.ts';

/**
 * Starts a local S3 and loads a handler module configured for it, plus `env`. The handler reads
 * its configuration once, when its module loads, so the environment is stubbed before the import.
 */
export async function startHandler<Handler>(
  load: () => Promise<{ handler: Handler }>,
  env: Record<string, string> = {},
): Promise<{ local: LocalS3; handler: Handler }> {
  const local = await startLocalS3();
  for (const [name, value] of Object.entries({ ...local.env, POWERTOOLS_LOG_LEVEL: 'SILENT', ...env })) vi.stubEnv(name, value);
  const { handler } = await load();
  return { local, handler };
}

/** Undoes `startHandler`. */
export async function stopHandler(local: LocalS3): Promise<void> {
  vi.unstubAllEnvs();
  await local.close();
}
