import { readFileSync } from 'node:fs';
import {
  Kind,
  type GraphQLNamedType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  buildSchema,
  getNamedType,
  isObjectType,
  parse,
  validate,
} from 'graphql';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImageEventInput } from '../../schema/generated/graphql.ts';
import { ImageEventPublisher, PUBLISH_IMAGE_PROCESSED, PublishError } from './image-event-publisher.ts';
import { type FakeResponse, type HttpFake, startHttpFake } from './testing/http-fake.ts';
import { recomputeAuthorization } from './testing/sigv4.ts';
import { type Stall, startStallingServer } from '../shared/testing/stalling-server.ts';

const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');
const schema = buildSchema(`${read('../../schema/appsync-directives.graphql')}\n${read('../../schema/schema.graphql')}`);

/** Resolved per reader by their own resolvers; deliberately not selected (see PUBLISH_IMAGE_PROCESSED). */
const UNSELECTED = ['Image.originalUrl', 'Thumbnail.url'];

/** Every leaf path below a type, skipping the deliberately unselected fields. */
function schemaPaths(type: GraphQLNamedType, prefix = ''): string[] {
  if (!isObjectType(type)) return [prefix];
  return Object.values(type.getFields())
    .filter((field) => !UNSELECTED.includes(`${type.name}.${field.name}`))
    .flatMap((field) => schemaPaths(getNamedType(field.type), `${prefix}${prefix ? '.' : ''}${field.name}`));
}

/** Field paths a selection set reaches, fragment spreads expanded. */
function selectedPaths(selectionSet: SelectionSetNode | undefined, fragments: Map<string, SelectionSetNode>, prefix = ''): string[] {
  if (!selectionSet) return [prefix];
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) {
      return selectedPaths(selection.selectionSet, fragments, `${prefix}${prefix ? '.' : ''}${selection.name.value}`);
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) return selectedPaths(fragments.get(selection.name.value), fragments, prefix);
    return [];
  });
}

describe('PUBLISH_IMAGE_PROCESSED', () => {
  const document = parse(PUBLISH_IMAGE_PROCESSED);
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition.selectionSet] as const] : [],
    ),
  );

  it('is a valid operation of the schema', () => {
    expect(validate(schema, document).map((error) => error.message)).toEqual([]);
  });

  it('selects every field of ImageEvent and, recursively, of Image, except the per-reader URLs', () => {
    const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
    const root = operation.selectionSet.selections[0];
    const selected = root?.kind === Kind.FIELD ? selectedPaths(root.selectionSet, fragments) : [];
    const imageEvent = schema.getType('ImageEvent');

    expect(selected.sort()).toEqual(imageEvent ? schemaPaths(imageEvent).sort() : ['ImageEvent is missing']);
    expect(selected).not.toContain('image.originalUrl');
    expect(selected).not.toContain('image.thumbnails.url');
  });
});

describe('ImageEventPublisher', () => {
  const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };
  const signing = { service: 'appsync', region: 'eu-west-1', credentials };
  const image = { id: 'img1', ownerSub: 'owner-1', fileName: 'beach.jpg', status: 'PROCESSED' };
  const processed: ImageEventInput = { imageId: 'img1', ownerSub: 'owner-1', status: 'PROCESSED', image: JSON.stringify(image), reason: null };
  const ACCEPTED: FakeResponse = { body: { data: { publishImageProcessed: { imageId: 'img1', ownerSub: 'owner-1', status: 'PROCESSED', reason: null, image } } } };

  let fake: HttpFake;
  let answer: FakeResponse;
  let publisher: ImageEventPublisher;

  beforeAll(async () => {
    fake = await startHttpFake(() => answer);
  });

  beforeEach(() => {
    fake.requests.length = 0;
    answer = ACCEPTED;
    publisher = new ImageEventPublisher({ graphqlUrl: `${fake.url}/graphql`, region: 'eu-west-1', credentials });
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  afterAll(async () => {
    await fake.close();
  });

  it('POSTs the mutation with the event as variables, image as a JSON string', async () => {
    await publisher.publish(processed);

    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/graphql' });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ query: PUBLISH_IMAGE_PROCESSED, variables: { input: processed } });
    expect(typeof JSON.parse(request?.body ?? '').variables.input.image).toBe('string');
  });

  it('signs the request with SigV4 for appsync, with the given credentials', async () => {
    await publisher.publish({ imageId: 'img1', ownerSub: 'owner-1', status: 'FAILED', reason: 'Not an image', image: null });

    const [request] = fake.requests;
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/appsync\/aws4_request, SignedHeaders=\S*host\S*, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.headers['x-amz-security-token']).toBe('session-token');
    expect(await recomputeAuthorization(request!, signing)).toBe(request?.headers.authorization);
  });

  it('takes credentials from the default provider chain when given none', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMENVIRONMENT');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-from-environment');
    vi.stubEnv('AWS_SESSION_TOKEN', 'token-from-environment');
    const fromChain = new ImageEventPublisher({ graphqlUrl: `${fake.url}/graphql`, region: 'eu-west-1' });

    await fromChain.publish(processed);

    const [request] = fake.requests;
    const environment = { accessKeyId: 'AKIDFROMENVIRONMENT', secretAccessKey: 'secret-from-environment', sessionToken: 'token-from-environment' };
    expect(await recomputeAuthorization(request!, { ...signing, credentials: environment })).toBe(request?.headers.authorization);
  });

  it('sends through the given fetch', async () => {
    const calls: string[] = [];
    const recording = new ImageEventPublisher({
      graphqlUrl: `${fake.url}/graphql`,
      region: 'eu-west-1',
      credentials,
      fetch: (input, init) => {
        calls.push(init?.method ?? '');
        return fetch(input, init);
      },
    });
    await recording.publish(processed);
    expect(calls).toEqual(['POST']);
    expect(fake.requests).toHaveLength(1);
  });

  it('throws the GraphQL errors of a 200 response, with their types', async () => {
    answer = {
      body: {
        data: { publishImageProcessed: null },
        errors: [
          {
            path: ['publishImageProcessed'],
            data: null,
            errorType: 'BadRequest',
            errorInfo: null,
            locations: [{ line: 3, column: 5, sourceName: null }],
            message: 'A PROCESSED event needs the image',
          },
        ],
      },
    };

    const failure = await publisher.publish(processed).catch((caught: unknown) => caught);

    expect(failure).toBeInstanceOf(PublishError);
    expect(failure).toMatchObject({
      status: 200,
      errorTypes: ['BadRequest'],
      message: 'publishImageProcessed failed: BadRequest: A PROCESSED event needs the image',
    });
  });

  it('throws when AppSync accepted the request but returned no event', async () => {
    answer = { body: { data: { publishImageProcessed: null } } };
    await expect(publisher.publish(processed)).rejects.toThrow(/returned no event/);
  });

  it.each<[string, FakeResponse, string[], RegExp]>([
    [
      '401',
      { status: 401, body: { errors: [{ errorType: 'UnauthorizedException', message: 'The security token included in the request is invalid.' }] } },
      ['UnauthorizedException'],
      /^AppSync answered 401: UnauthorizedException: The security token included in the request is invalid\.$/,
    ],
    ['500', { status: 500, body: 'Internal Server Error' }, [], /^AppSync answered 500: Internal Server Error$/],
  ])('throws on a %s response', async (_status, response, errorTypes, message) => {
    answer = response;
    const failure = await publisher.publish(processed).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(PublishError);
    expect(failure).toMatchObject({ status: response.status, errorTypes, message: expect.stringMatching(message) });
  });

  it('throws when AppSync cannot be reached', async () => {
    const unreachable = new ImageEventPublisher({ graphqlUrl: 'http://127.0.0.1:9/graphql', region: 'eu-west-1', credentials });
    await expect(unreachable.publish(processed)).rejects.toThrow(/fetch failed/);
  });

  it.each<Stall>(['before-headers', 'in-body'])('gives up with TimeoutError on an AppSync that stalls %s, once', async (stall) => {
    const server = await startStallingServer({ stall });
    const impatient = new ImageEventPublisher({ graphqlUrl: `${server.url}/graphql`, region: 'eu-west-1', credentials, timeoutMs: 300 });
    try {
      await expect(impatient.publish(processed)).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(server.stalled).toEqual(['POST /graphql']);
    } finally {
      await server.close();
    }
  });

  it('gives up when its signal aborts (the invocation\'s deadline), with the signal\'s reason, closing the connection', async () => {
    const server = await startStallingServer({ stall: 'before-headers' });
    const patient = new ImageEventPublisher({ graphqlUrl: `${server.url}/graphql`, region: 'eu-west-1', credentials });
    const deadline = new AbortController();
    try {
      const publishing = patient.publish(processed, deadline.signal);
      await expect.poll(() => server.stalled).toHaveLength(1);
      const reason = new Error('out of time');
      deadline.abort(reason);
      await expect(publishing).rejects.toBe(reason);
      await expect.poll(() => server.abandoned).toEqual(['POST /graphql']);
    } finally {
      await server.close();
    }
  });
});
