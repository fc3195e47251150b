import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Jwks } from 'aws-jwt-verify/jwk';
import publicKey from 'cognito-local/lib/keys/cognitoLocal.public.json' with { type: 'json' };
import { createCognitoServer } from './cognito-server.ts';
import { ensureClient, ensurePool } from './seed.ts';

export interface LocalCognitoOptions {
  /** Users, pool and client live here (created if missing) and survive restarts. */
  dataDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  region?: string;
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
  const { server, cognito } = await createCognitoServer({
    dbDir,
    outboxFile,
    host,
    port: options.port ?? 0,
    issuerDomain: `https://cognito-idp.${region}.amazonaws.com`,
    log: options.log ?? console.log,
  });
  const userPoolId = await ensurePool(cognito, region);
  const httpServer = await server.start();
  const endpoint = `http://${host}:${(httpServer.address() as AddressInfo).port}`;
  const sdk = new CognitoIdentityProviderClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
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
      close: () =>
        new Promise<void>((resolve, reject) => {
          httpServer.closeAllConnections();
          httpServer.close((error) => (error ? reject(error) : resolve()));
        }),
    };
  } catch (error) {
    httpServer.close();
    throw error;
  } finally {
    sdk.destroy();
  }
}
