/**
 * Every `npm start` option, as a user types it: each bad value is refused with a message before
 * anything starts, and each good value has its effect on the running cloud, seen from outside
 * (outputs file, ports, queue attributes, the printed banner, a processed image's document).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_OUTPUT_KEYS, OUTPUT_KEYS } from '../../infra/stack-outputs.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, SERVICE_PORT_OFFSETS, outputsFile, processesFile } from '../config.ts';
import { type CloudProcess, startCloudProcess } from './cloud-process.ts';
import { indexedDocuments, waitFor } from './probes.ts';
import { generatedJpegs, subscribeToEvents, upload } from './uploads.ts';
import { signUpUser } from './users.ts';

const START = fileURLToPath(new URL('../start.ts', import.meta.url));

/** `npm start -- <args>` that is expected to stop at once: its exit code and what it printed. */
function startFails(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', START, '--data-dir', join(tmpdir(), 'imagegraph-flags-never-used'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, IMAGEGRAPH_VISION: undefined, IMAGEGRAPH_DETECT: undefined, ...env },
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('npm start refuses bad options before starting anything', () => {
  const cases: [string, string[], RegExp][] = [
    ['--port-base over 65000', ['--port-base', '65001'], /option '--port-base <port>' argument '65001' is invalid\. a whole number from 0 to 65000/],
    ['--port-base not a number', ['--port-base', 'abc'], /'--port-base <port>' argument 'abc' is invalid/],
    ['--vision not a mode', ['--vision', 'gpu'], /option '--vision <mode>' argument 'gpu' is invalid\. Allowed choices are models, lite/],
    ['--vision-workers over 64', ['--vision-workers', '65'], /'--vision-workers <n>' argument '65' is invalid\. a whole number from 0 to 64/],
    ['--visibility-timeout over 12 hours', ['--visibility-timeout', '43201'], /'--visibility-timeout <seconds>' argument '43201' is invalid\. a whole number from 0 to 43200/],
    ['--max-receive-count over 1000', ['--max-receive-count', '1001'], /'--max-receive-count <n>' argument '1001' is invalid\. a whole number from 0 to 1000/],
    ['--processing-concurrency negative', ['--processing-concurrency', '-1'], /'--processing-concurrency <n>'/],
    ['--processing-concurrency a fraction', ['--processing-concurrency', '1.5'], /'--processing-concurrency <n>' argument '1\.5' is invalid/],
    ['--detect an unknown detection', ['--detect', 'labels,cats'], /'--detect <list>' argument 'labels,cats' is invalid\. unknown detection cats: choose from labels, faces, text, moderation/],
    ['--detect without labels', ['--detect', 'faces,text'], /labels cannot be left out: every image is labelled/],
    ['an unknown option', ['--turbo'], /unknown option '--turbo'/],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    const { code, output } = await startFails(args);
    expect(output).toMatch(message);
    expect(code).not.toBe(0);
    expect(output).not.toContain('ImageGraph is running');
  }, 60_000);

  it('reads IMAGEGRAPH_DETECT when --detect is not given, and refuses a bad value there too', async () => {
    const { code, output } = await startFails([], { IMAGEGRAPH_DETECT: 'faces' });
    expect(output).toMatch(/labels cannot be left out/);
    expect(code).not.toBe(0);
  }, 60_000);
});

/** A block of free ports for --port-base (checked just before use: another process may take one later). */
async function freePortBase(): Promise<number> {
  const span = Math.max(...Object.values(SERVICE_PORT_OFFSETS)) + 1;
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 4_000) * 10;
    if ((await Promise.all(Array.from({ length: span }, (_, i) => free(base + i)))).every(Boolean)) return base;
  }
  throw new Error('no block of free ports found');
}

describe('npm start with every option set', () => {
  let dataDir: string;
  let cloud: CloudProcess;
  let portBase: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'imagegraph-flags-'));
    // --reset must remove what was there.
    writeFileSync(join(dataDir, 'left-over.txt'), 'from an earlier run');
    portBase = await freePortBase();
    cloud = await startCloudProcess(dataDir, [
      '--reset',
      '--port-base', String(portBase),
      '--vision', 'lite',
      '--vision-workers', '1',
      '--visibility-timeout', '7',
      '--max-receive-count', '3',
      '--processing-concurrency', '3',
      '--detect', 'labels,text',
    ]);
  }, 120_000);

  afterAll(async () => {
    await cloud?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('--reset emptied the data directory; --data-dir holds the outputs and process ids', () => {
    expect(existsSync(join(dataDir, 'left-over.txt'))).toBe(false);
    expect(JSON.parse(readFileSync(outputsFile({ dataDir }), 'utf8'))).toEqual(cloud.outputs);
    // The cloud runs in a process of its own under the npm start launcher (local/start.ts).
    const { cloud: cloudPid } = JSON.parse(readFileSync(processesFile({ dataDir }), 'utf8')) as { cloud: number };
    const parentPid = Number(readFileSync(`/proc/${cloudPid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
    expect(parentPid).toBe(cloud.child.pid);
  });

  it('--port-base puts each service at its offset from the base', () => {
    const port = (url: string | undefined) => Number(new URL(url ?? '').port);
    expect(port(cloud.outputs[OUTPUT_KEYS.graphqlUrl])).toBe(portBase + SERVICE_PORT_OFFSETS.graphql);
    expect(port(cloud.outputs[LOCAL_OUTPUT_KEYS.s3Endpoint])).toBe(portBase + SERVICE_PORT_OFFSETS.s3);
    expect(port(cloud.outputs[LOCAL_OUTPUT_KEYS.cognitoEndpoint])).toBe(portBase + SERVICE_PORT_OFFSETS.cognito);
    expect(port(cloud.outputs[OUTPUT_KEYS.searchEndpoint])).toBe(portBase + SERVICE_PORT_OFFSETS.search);
    expect(port(cloud.outputs[LOCAL_OUTPUT_KEYS.visionEndpoint])).toBe(portBase + SERVICE_PORT_OFFSETS.vision);
    expect(port(cloud.outputs[LOCAL_OUTPUT_KEYS.sqsEndpoint])).toBe(portBase + SERVICE_PORT_OFFSETS.sqs);
  });

  it('--vision lite and --detect are what the banner reports', () => {
    expect(cloud.log).toContain('  Vision        lite; detects labels, text');
  });

  it('--visibility-timeout and --max-receive-count configure the processing queue', async () => {
    const sqs = new SQSClient({ endpoint: cloud.outputs[LOCAL_OUTPUT_KEYS.sqsEndpoint], region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    try {
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: cloud.outputs[OUTPUT_KEYS.queueUrl], AttributeNames: ['All'] }));
      expect(Attributes?.VisibilityTimeout).toBe('7');
      expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toMatchObject({ maxReceiveCount: 3 });
    } finally {
      sqs.destroy();
    }
  });

  it('--detect leaves out what it does not list: a processed image has text detection but no face detection', async () => {
    const user = await signUpUser(cloud.config, dataDir, 'flags');
    const subscription = await subscribeToEvents(user);
    try {
      const [photo] = await generatedJpegs(1);
      const { ticket, status } = await upload(user, { name: 'flags.jpg', type: 'image/jpeg', bytes: photo! });
      expect(status).toBe(204);
      await waitFor('the PROCESSED event', () => subscription.events.some((event) => event.imageId === ticket.imageId && event.status === 'PROCESSED'), 60_000);
      const { source } = await indexedDocuments(cloud.outputs, ticket.imageId);
      // Without face detection the document says "not looked for" (null), not "none found".
      expect(source).toMatchObject({ status: 'PROCESSED', faces: null, detectedText: [] });
    } finally {
      subscription.unsubscribe();
      user.client.stop();
    }
  }, 90_000);
});
