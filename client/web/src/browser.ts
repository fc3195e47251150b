import type { ClientConfig } from '../../src/api/config.ts';
import type { SessionTokens, TokenStore } from '../../src/api/session.ts';
import type { PostForm } from '../../src/api/upload.ts';

/** The deployment, as the dev server (or the build) serves it from the outputs file. */
export async function fetchConfig(url = '/config.json'): Promise<ClientConfig> {
  const response = await fetch(url, { cache: 'no-store' });
  const body = (await response.json()) as ClientConfig & { message?: string };
  if (!response.ok) throw new Error(body.message ?? `${url}: HTTP ${response.status}`);
  return body;
}

/** Tokens in localStorage, per app client, so a local and an AWS deployment never mix. */
export function localStorageTokenStore(clientId: string, storage: Storage = localStorage): TokenStore {
  const key = `imagegraph.session.${clientId}`;
  return {
    load: () => {
      const value = storage.getItem(key);
      return value ? (JSON.parse(value) as SessionTokens) : null;
    },
    save: (tokens) => (tokens ? storage.setItem(key, JSON.stringify(tokens)) : storage.removeItem(key)),
  };
}

/** The presigned POST with XMLHttpRequest, whose upload events give per-file progress. */
export const xhrPost: PostForm = (url, form, onProgress) =>
  new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    request.onload = () => resolve({ status: request.status, body: request.responseText });
    request.onerror = () => reject(new TypeError('network error'));
    request.ontimeout = () => reject(new TypeError('timed out'));
    request.send(form);
  });
