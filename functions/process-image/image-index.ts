import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Client, type ClientOptions, type Connection } from '@opensearch-project/opensearch';
import type { AwsCredentialIdentity } from '@smithy/types';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import { DEFAULTS } from '../shared/config.ts';
import { FIELD, IMAGES_INDEX, type ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import type { LinkedImage } from './copy-pointers.ts';
import { deletedDocument, uploadOrder } from './image-document.ts';
import { HASH_VECTOR_FIELD, IMAGE_INDEX_MAPPING, type IndexedImageDocument } from './image-index-mapping.ts';
import { NEAR_DUPLICATE_MAX_DISTANCE, distanceOfScore, hashToBinaryVector } from './near-duplicates.ts';
import { compareSequencers } from './s3-events.ts';

/**
 * The search index as the pipeline and the CLI write it. Only request features the local search
 * engine implements are used: index (with if_seq_no/if_primary_term/op_type/refresh), get, search
 * with bool/term/ids/sort/size/search_after, bulk, indices.exists/create/refresh. Throttling
 * (429), server errors and connection failures propagate unchanged: they are transient, and SQS
 * retries the image.
 */

/** Concurrent writers of one image are rare (a redelivery racing a newer event); this is ample. */
const MAX_WRITE_ATTEMPTS = 5;
const SHA256_FIELD = 'sha256' satisfies keyof ImageDocument;
/**
 * Nearest neighbours fetched per near-duplicate lookup: the earliest of them within the threshold
 * wins. An owner with more than this many copies of one photo gets a copy's copy, still a copy.
 */
const NEAR_DUPLICATE_CANDIDATES = 10;

/** Hits per page when listing an owner's images that point at one (findLinkedImages). */
const LINKED_IMAGES_PAGE = 100;
const LINKED_IMAGE_FIELDS = ['id', 'uploadedAt', 'sequencer', 'originalKey', 'sha256', 'perceptualHash', 'duplicateOf', 'nearDuplicateOf'] satisfies (keyof LinkedImage)[];

export type WriteResult = 'written' | 'stale';

/** The fields findLinkedImages matches on: the same bytes, or a copy's pointer. */
export type LinkField = 'sha256' | 'duplicateOf' | 'nearDuplicateOf';

/**
 * Requests are signed with SigV4 for service `es`, as OpenSearch Service with IAM access requires,
 * and as the local engine requires too. Credentials are `credentials` when given (tools, tests),
 * else the default provider chain's, refreshed before they expire: the function role's on Lambda,
 * the local key pair the local cloud puts in the functions' environment.
 *
 * Each attempt gives up after `searchTimeoutMs` of silence (the client's requestTimeout: a socket
 * idle timeout, from connecting until the headers; boundedBodies extends it to the body), and the
 * client retries it like a failed connection: three attempts, as the AWS SDK clients make, instead
 * of the client's default four, so that a stalled engine fails the message within the processing
 * function's margin. `options.requestTimeout` is for tools that send much larger requests.
 */
export function createSearchClient(
  config: { searchEndpoint: string; region: string; searchTimeoutMs?: number },
  credentials?: AwsCredentialIdentity,
  options: Pick<ClientOptions, 'requestTimeout'> = {},
): Client {
  const provider = credentials ? () => Promise.resolve(credentials) : defaultProvider();
  const signer = AwsSigv4Signer({ region: config.region, service: 'es', getCredentials: () => provider() });
  return new Client({
    ...signer,
    Connection: boundedBodies(signer.Connection),
    node: config.searchEndpoint,
    requestTimeout: config.searchTimeoutMs ?? DEFAULTS.searchTimeoutMs,
    maxRetries: 2,
    ...options,
  });
}

/**
 * The client stops watching its idle timeout once the response's headers arrive (lib/Connection.js
 * drops its 'timeout' listener on 'response'), so an answer whose body stalled would be waited for
 * for ever. This keeps the same limit on silence until the body ends, then destroys the response:
 * the client fails the attempt ("Response aborted while reading the body", a ConnectionError) and
 * retries it. Destroyed without an error, which the client would only print to the console. Node
 * resets the socket's timeout when it goes back to the keep-alive pool, so the limit ends with
 * the response.
 */
function boundedBodies(Base: typeof Connection): typeof Connection {
  return class BoundedBodyConnection extends Base {
    override request(...[params, callback]: Parameters<Connection['request']>): ReturnType<Connection['request']> {
      return super.request(params, (error, response) => {
        if (response && params.timeout) response.setTimeout(params.timeout, () => response.destroy());
        callback(error, response);
      });
    }
  };
}

/** The image a duplicate is looked up for. */
export interface UploadedImage {
  id: string;
  uploadedAt: string;
}

interface StoredDocument {
  doc: ImageDocument;
  seqNo: number;
  primaryTerm: number;
}

export class ImageIndex {
  constructor(
    private readonly client: Client,
    readonly index: string = IMAGES_INDEX,
    /** Aborts every request (the processing invocation's deadline); see abortingOn. */
    private readonly signal?: AbortSignal,
  ) {}

  /** The same index, every request of which `signal` aborts: one per processing invocation. */
  abortingOn(signal: AbortSignal): ImageIndex {
    return new ImageIndex(this.client, this.index, signal);
  }

  /**
   * The client (3.x) takes no AbortSignal; its request promise has abort() instead, which ends the
   * request (RequestAbortedError) and is never retried (lib/Transport.js retries other connection
   * errors only).
   */
  private async abortable<T>(request: Promise<T> & { abort: () => void }): Promise<T> {
    const { signal } = this;
    if (!signal) return request;
    const abort = () => {
      request.abort();
    };
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    try {
      return await request;
    } finally {
      signal.removeEventListener('abort', abort);
    }
  }

  /**
   * Deletes the index and creates it anew with the current mapping, for `imagegraph reindex
   * --recreate`: static settings (index.knn) and changed field types cannot be applied in place.
   */
  async recreateIndex(): Promise<void> {
    await this.abortable(this.client.indices.delete({ index: this.index }, { ignore: [404] }));
    await this.ensureIndex();
  }

  /** Creates the index with its mapping unless it exists; another container creating it meanwhile is fine. */
  async ensureIndex(): Promise<void> {
    const exists = await this.abortable(this.client.indices.exists({ index: this.index }));
    if (exists.body) return;
    try {
      await this.abortable(this.client.indices.create({ index: this.index, body: IMAGE_INDEX_MAPPING }));
    } catch (error) {
      if (responseError(error)?.type !== 'resource_already_exists_exception') throw error;
    }
  }

  /**
   * Writes the document unless the stored one came from a newer S3 event. An equal sequencer is
   * the same event (a redelivery, or a later step of the same run), so it overwrites. Read and
   * write are tied by optimistic concurrency (if_seq_no/if_primary_term, or op_type=create when
   * there is nothing yet): a concurrent writer makes the write fail with 409, and the decision
   * is taken again on what that writer left.
   */
  async put(doc: ImageDocument, { refresh = false }: { refresh?: false | 'wait_for' } = {}): Promise<WriteResult> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.read(doc.id);
      if (stored && compareSequencers(stored.doc.sequencer, doc.sequencer) > 0) {
        return 'stale';
      }
      try {
        await this.abortable(this.client.index({
          index: this.index,
          id: doc.id,
          body: indexed(doc),
          // Nothing reads the document back through search right away; refreshing per write
          // would cost the cluster far more than the second of delay it saves. 'wait_for' forces
          // no refresh: it answers once the next periodic one has made the write searchable.
          refresh,
          ...(stored ? { if_seq_no: stored.seqNo, if_primary_term: stored.primaryTerm } : { op_type: 'create' as const }),
        }));
        return 'written';
      } catch (error) {
        if (responseError(error)?.status !== 409 || attempt >= MAX_WRITE_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Replaces the document by a tombstone, under the same newer-event rule as put. It answers once
   * search no longer shows the image (refresh=wait_for, at most the 1 s refresh interval): the
   * DELETED event that follows makes the web app search again, and that search should find the
   * image gone and its copies re-pointed (written just before, so made searchable by the same
   * refresh).
   */
  markDeleted(ownerSub: string, imageId: string, sequencer: string): Promise<WriteResult> {
    return this.put(deletedDocument(ownerSub, imageId, sequencer), { refresh: 'wait_for' });
  }

  /**
   * Makes every write so far searchable now. Search is near real time (refreshed every second):
   * before looking for the images that point at a deleted one, so that a copy indexed within the
   * last second is not missed and left pointing at it for good.
   */
  async refresh(): Promise<void> {
    await this.abortable(this.client.indices.refresh({ index: this.index }));
  }

  /** The stored document (a tombstone included), or null when there is none. */
  async get(imageId: string): Promise<ImageDocument | null> {
    return (await this.read(imageId))?.doc ?? null;
  }

  /**
   * The owner's earliest image with these bytes that comes before this one in upload order (by
   * uploadedAt, then id), deleted ones aside; null when there is none. Search is near real time: an
   * image indexed within the last second may not be seen yet. `excluded` ids are left out too:
   * images whose upload is gone, being deleted, whose tombstones are not written yet.
   */
  async findFirstWithSha256(ownerSub: string, sha256: string, image: UploadedImage, excluded: readonly string[] = []): Promise<string | null> {
    const response = await this.abortable(this.client.search({
      index: this.index,
      body: {
        size: 1,
        _source: [FIELD.id, FIELD.uploadedAt],
        query: {
          bool: {
            // Only images uploaded no later than this one: whichever copy is processed first, the
            // earlier upload stays the original and the later one points at it, never the reverse.
            filter: [
              { term: { [FIELD.owner]: ownerSub } },
              { term: { [SHA256_FIELD]: sha256 } },
              { range: { [FIELD.uploadedAt]: { lte: image.uploadedAt } } },
            ],
            must_not: [{ ids: { values: [image.id, ...excluded] } }, { term: { [FIELD.status]: 'DELETED' } }],
          },
        },
        sort: [{ [FIELD.uploadedAt]: { order: 'asc' } }, { [FIELD.id]: { order: 'asc' } }],
      },
    }));
    const earliest = (response.body.hits.hits as { _id: string; _source: { uploadedAt: string } }[])[0];
    // Of copies uploaded in the same millisecond only the later id points at the other: the
    // earliest one found is an original for this image only if it comes first in upload order.
    return earliest && uploadOrder({ id: earliest._id, uploadedAt: earliest._source.uploadedAt }, image) < 0 ? earliest._id : null;
  }

  /**
   * The earliest (by uploadedAt, then id) of the owner's images uploaded before this one whose
   * perceptual hash is within NEAR_DUPLICATE_MAX_DISTANCE bits of `perceptualHash`, deleted ones
   * aside; null when there is none. A k-NN query on the binary hash vector (Hamming distance,
   * score 1 / (1 + d)), filtered to the owner first, so another owner's image is never a candidate.
   * `excluded` ids are left out too: an image being deleted, whose tombstone is not written yet.
   */
  async findNearDuplicate(ownerSub: string, perceptualHash: string, image: UploadedImage, excluded: readonly string[] = []): Promise<string | null> {
    const response = await this.abortable(this.client.search({
      index: this.index,
      body: {
        size: NEAR_DUPLICATE_CANDIDATES,
        _source: [FIELD.id, FIELD.uploadedAt],
        query: {
          knn: {
            [HASH_VECTOR_FIELD]: {
              vector: hashToBinaryVector(perceptualHash),
              k: NEAR_DUPLICATE_CANDIDATES,
              filter: {
                bool: {
                  filter: [{ term: { [FIELD.owner]: ownerSub } }, { range: { [FIELD.uploadedAt]: { lte: image.uploadedAt } } }],
                  must_not: [{ ids: { values: [image.id, ...excluded] } }, { term: { [FIELD.status]: 'DELETED' } }],
                },
              },
            },
          },
        },
      },
    }));
    const earlier = (response.body.hits.hits as { _id: string; _score: number; _source: { uploadedAt: string } }[])
      .filter((hit) => distanceOfScore(hit._score) <= NEAR_DUPLICATE_MAX_DISTANCE)
      // Strictly earlier, with the id breaking ties: of two copies uploaded in the same millisecond
      // only the later id points at the other, never both at each other.
      .map((hit) => ({ id: hit._id, uploadedAt: hit._source.uploadedAt }))
      .filter((hit) => uploadOrder(hit, image) < 0)
      .sort(uploadOrder);
    return earlier[0]?.id ?? null;
  }

  /**
   * The owner's images, deleted ones and `exceptId` aside, whose `field` is `value`, in upload order
   * (uploadedAt, then id): at most `limit` of them, read in pages of LINKED_IMAGES_PAGE with
   * search_after; `more` says whether there were more. Near real time, as every search: see refresh.
   */
  async findLinkedImages(ownerSub: string, field: LinkField, value: string, exceptId: string, limit: number): Promise<{ images: LinkedImage[]; more: boolean }> {
    const images: LinkedImage[] = [];
    let after: (string | number)[] | undefined;
    // One more than the limit is read, to know whether there were more.
    while (images.length <= limit) {
      const size = Math.min(LINKED_IMAGES_PAGE, limit + 1 - images.length);
      const response = await this.abortable(this.client.search({
        index: this.index,
        body: {
          size,
          _source: LINKED_IMAGE_FIELDS,
          query: {
            bool: {
              filter: [{ term: { [FIELD.owner]: ownerSub } }, { term: { [field]: value } }],
              must_not: [{ ids: { values: [exceptId] } }, { term: { [FIELD.status]: 'DELETED' } }],
            },
          },
          sort: [{ [FIELD.uploadedAt]: { order: 'asc' } }, { [FIELD.id]: { order: 'asc' } }],
          ...(after ? { search_after: after } : {}),
        },
      }));
      const hits = response.body.hits.hits as { _source: LinkedImage; sort: (string | number)[] }[];
      images.push(...hits.map((hit) => hit._source));
      if (hits.length < size) break;
      after = hits.at(-1)!.sort;
    }
    return { images: images.slice(0, limit), more: images.length > limit };
  }

  /**
   * For `imagegraph reindex`: writes the documents as they are, in one bulk request (the caller
   * sizes the batches), without the newer-event check. Failures are per document, not thrown.
   */
  async bulkPut(docs: ImageDocument[]): Promise<{ written: number; failed: { id: string; reason: string }[] }> {
    if (docs.length === 0) return { written: 0, failed: [] };
    const response = await this.abortable(this.client.bulk({
      refresh: false,
      body: docs.flatMap((doc) => [{ index: { _index: this.index, _id: doc.id } }, indexed(doc)]),
    }));
    // Items answer the actions in order.
    const failed = docs.flatMap((doc, position) => {
      const error = response.body.items[position]?.index?.error;
      return error ? [{ id: doc.id, reason: [error.type, error.reason].filter(Boolean).join(': ') }] : [];
    });
    return { written: docs.length - failed.length, failed };
  }

  /** GET with its sequence number and primary term, for the conditional write that follows. */
  private async read(imageId: string): Promise<StoredDocument | null> {
    // 404 is an answer here (no such document, or no index yet), not an error.
    const { body } = await this.abortable(this.client.get({ index: this.index, id: imageId }, { ignore: [404] }));
    if (!body.found || body._seq_no === undefined || body._primary_term === undefined) return null;
    return { doc: body._source as ImageDocument, seqNo: body._seq_no, primaryTerm: body._primary_term };
  }
}

/** The document as indexed: with the binary vector of its perceptual hash, when it has one. */
function indexed(doc: ImageDocument): IndexedImageDocument {
  return doc.perceptualHash ? { ...doc, [HASH_VECTOR_FIELD]: hashToBinaryVector(doc.perceptualHash) } : doc;
}

/**
 * The status and error type of an OpenSearch error response, or undefined for anything else.
 * By shape rather than `instanceof errors.ResponseError`: the package's ES module entry does not
 * export `errors`.
 */
function responseError(error: unknown): { status: number; type: string | undefined } | undefined {
  if (!(error instanceof Error) || error.name !== 'ResponseError') return undefined;
  const { statusCode, body } = error as Error & { statusCode: number; body: { error?: { type?: string } } | undefined };
  return { status: statusCode, type: body?.error?.type };
}
