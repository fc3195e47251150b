/**
 * The oracle has no k-NN plugin (README: its Maven Central zip lacks faiss's native libraries), so
 * an index created with IMAGE_INDEX_MAPPING, which holds the perceptual hash as a binary
 * `knn_vector`, would be refused as a whole. This proxy in front of it maps each `knn_vector` field
 * to a `byte` field (the same signed-byte array, stored and strictly mapped, not searchable by
 * vector) and drops `index.knn` when an index is created, and passes everything else through
 * unchanged. k-NN queries themselves are judged against the docs only (conformance/knn.test.ts).
 */
import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

/** An index-creation body with k-NN vectors as byte arrays and no `index.knn` setting. */
export function withoutKnn(body: Json): Json {
  const settings = body.settings as Json | undefined;
  const index = settings?.index as Json | undefined;
  const { 'index.knn': _flat, ...otherSettings } = settings ?? {};
  const { knn: _nested, ...otherIndexSettings } = index ?? {};
  return {
    ...body,
    ...(settings ? { settings: { ...otherSettings, ...(index ? { index: otherIndexSettings } : {}) } } : {}),
    ...(body.mappings ? { mappings: vectorsAsBytes(body.mappings as Json) } : {}),
  };
}

function vectorsAsBytes(mapping: Json): Json {
  if (mapping.type === 'knn_vector') return { type: 'byte' };
  const mapped: Json = { ...mapping };
  for (const key of ['properties', 'fields'] as const) {
    const children = mapping[key] as Record<string, Json> | undefined;
    if (children) mapped[key] = Object.fromEntries(Object.entries(children).map(([name, child]) => [name, vectorsAsBytes(child)]));
  }
  return mapped;
}

/** `PUT /<index>` with a body: the only request rewritten. */
const isIndexCreation = (request: IncomingMessage) => request.method === 'PUT' && /^\/[^/_?][^/?]*(\?.*)?$/.test(request.url ?? '');

/** A body that is not a JSON object goes through as it came: the oracle answers it. */
function rewritten(body: Buffer): Buffer {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? Buffer.from(JSON.stringify(withoutKnn(parsed as Json))) : body;
  } catch {
    return body;
  }
}

/** Starts the proxy on 127.0.0.1 in front of `target` (the oracle's URL). */
export async function startWithoutKnnProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = Buffer.concat(chunks);
      const body = isIndexCreation(request) ? rewritten(received) : received;
      const { 'transfer-encoding': _chunked, ...passed } = request.headers;
      const headers = { ...passed, host: upstream.host, 'content-length': String(body.length) };
      const proxied = forward({ host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      proxied.on('error', (error) => response.destroy(error));
      proxied.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
