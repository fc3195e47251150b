import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Jwks } from 'aws-jwt-verify/jwk';
import publicKey from 'cognito-local/lib/keys/cognitoLocal.public.json' with { type: 'json' };
import { closeServer, listen } from '../http-server.ts';
import type { KeyPair } from '../sigv4.ts';
import { createCognitoServer } from './cognito-server.ts';
import { createCognitoFront } from './front.ts';
import { ensureClient, ensurePool, ensureVerifiers } from './seed.ts';

export interface LocalCognitoOptions {
  /** Users, pool and client live here (created if missing) and survive restarts. */
  dataDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  region?: string;
  /** The key pair IAM-only actions (Admin*, List*, ...) must be signed with (SigV4, `cognito-idp`). */
  credentials: KeyPair;
  /** Where confirmation codes are announced; console.log by default. */
  log?: (line: string) => void;
}

export interface LocalCognito {
  /** The Cognito Identity Provider API endpoint for SDK clients. */
  endpoint: string;
  userPoolId: string;
  clientId: string;
  /** Tokens' `iss`: the AWS form, so the production verifier accepts it. */
  issuer: string;
  /** The key set tokens are signed with; give it to the verifier with `cacheJwks`. */
  jwks: Jwks;
  /** The JSON-lines file confirmation codes are "emailed" to (see outbox.ts). */
  outboxFile: string;
  close(): Promise<void>;
}

/** Starts cognito-local on `dataDir` with the ImageGraph pool and app client seeded. */
export async function startLocalCognito(options: LocalCognitoOptions): Promise<LocalCognito> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const dbDir = join(options.dataDir, 'db');
  mkdirSync(dbDir, { recursive: true });
  const outboxFile = join(options.dataDir, 'outbox.jsonl');
  const { application, cognito } = await createCognitoServer({
    dbDir,
    outboxFile,
    issuerDomain: `https://cognito-idp.${region}.amazonaws.com`,
    log: options.log ?? console.log,
  });
  const userPoolId = await ensurePool(cognito, region);
  await ensureVerifiers(cognito, userPoolId);
  const httpServer = createCognitoFront(application, { credentials: options.credentials, region });
  const endpoint = await listen(httpServer, options.port ?? 0, host);
  // Seeding uses IAM-only actions (ListUserPoolClients, CreateUserPoolClient): signed.
  const sdk = new CognitoIdentityProviderClient({ endpoint, region, credentials: options.credentials });
  try {
    const clientId = await ensureClient(sdk, userPoolId);
    return {
      endpoint,
      userPoolId,
      clientId,
      issuer: `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`,
      // The public half of the key cognito-local signs every token with.
      jwks: { keys: [publicKey.jwk] },
      outboxFile,
      close: () => closeServer(httpServer),
    };
  } catch (error) {
    await closeServer(httpServer);
    throw error;
  } finally {
    sdk.destroy();
  }
}
