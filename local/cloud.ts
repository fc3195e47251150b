/**
 * The whole pipeline on this machine: each local stand-in started, wired to the others as the CDK
 * stack wires the AWS services, and the functions' real handlers run in this process with only
 * their endpoints pointing here. local/start.ts is the command-line edge around it.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import type { ApiFunctionName } from '../infra/resolver-wiring.ts';
import { LOCAL_OUTPUT_KEYS, OUTPUT_KEYS } from '../infra/stack-outputs.ts';
import { DEFAULT_SETTINGS, PROCESSING_BATCH_SIZE, PROCESSING_TIMEOUT_SECONDS } from '../infra/stack-props.ts';
import { ENV } from '../functions/shared/config.ts';
import { ImageIndex, createSearchClient } from '../functions/process-image/image-index.ts';
import { clientConfigFromOutputs } from '../client/src/api/config.ts';
import type { handler as processImageHandler } from '../functions/process-image/index.ts';
import type { LambdaHandler } from './appsync/data-sources/lambda.ts';
import { startLocalAppSync } from './appsync/start.ts';
import { type ChildService, startChildService } from './child-service.ts';
import { startLocalCognito } from './cognito/start.ts';
import {
  LOCAL_BUCKET,
  LOCAL_CREDENTIALS,
  LOCAL_HOST,
  LOCAL_QUEUES,
  LOCAL_REGION,
  type LocalCloudSettings,
  outputsFile,
  processesFile,
  serviceDataDir,
  servicePort,
  tlsDir,
} from './config.ts';
import { SEARCH_ENGINE_NODE_FLAGS } from './opensearch/start.ts';
import { startLocalRekognition } from './rekognition/start.ts';
import { startLocalS3Service } from './s3/start.ts';
import { keyPairEnv } from './sigv4.ts';
import { pollQueue } from './sqs/event-source.ts';
import { ensureWebApp } from './web/build.ts';
import { startWebServer } from './web/server.ts';
import { queueUrl as localQueueUrl } from './sqs/server.ts';
import { ensureLocalTls } from './tls/certificates.ts';
import type { LocalQueueDeclaration } from './sqs/start.ts';

export interface LocalCloud {
  /** What was written to outputs.json. */
  outputs: Record<string, string>;
  outputsFile: string;
  /** Resolves when the vision models are warm (at once in lite mode). */
  visionReady: Promise<void>;
  /**
   * Starts the search engine again on the same port (stopping it first if it still runs), as an
   * operator restarts a crashed node; data persists. local/start.ts does this on SIGUSR2.
   */
  restartSearchEngine(): Promise<void>;
  close(): Promise<void>;
}

const SEARCH_MAIN = fileURLToPath(new URL('./opensearch/main.ts', import.meta.url));
const SQS_MAIN = fileURLToPath(new URL('./sqs/main.ts', import.meta.url));

/**
 * `log` gets the cloud's own news (a service that exited, failed deliveries, a wait for the previous
 * run's service processes); `toolOutput` the
 * output of the tools it runs (the web app's build).
 */
export async function startLocalCloud(
  settings: LocalCloudSettings,
  log: (line: string) => void = console.log,
  toolOutput: Writable = process.stderr,
): Promise<LocalCloud> {
  const closers: (() => Promise<void>)[] = [];
  let closing = false;
  const close = async () => {
    closing = true;
    // Reverse start order: consumers stop before what they consume.
    for (const closeOne of closers.reverse()) await closeOne().catch((error: unknown) => log(`stopping: ${String(error)}`));
  };
  // The child services accept the local key pair; it reaches them in their environment.
  const childEnv = { ...process.env, ...keyPairEnv(LOCAL_CREDENTIALS) };
  // The web app builds (or comes from the cache) while the services start.
  const webApp = ensureWebApp(settings.webCacheDir, toolOutput);
  webApp.catch(() => undefined);
  try {
    // Replaced by restartSearchEngine; an exit is news unless the cloud stopped it on purpose.
    let search: ChildService;
    let stoppingSearch = false;
    const startSearch = async (port: number) => {
      const child = await startChildService({
        name: 'search',
        main: SEARCH_MAIN,
        args: ['--data-dir', serviceDataDir(settings, 'search'), '--port', String(port), '--region', LOCAL_REGION],
        nodeFlags: SEARCH_ENGINE_NODE_FLAGS,
        env: childEnv,
        log,
      });
      void child.exited.then((code) => {
        if (!closing && !stoppingSearch && child === search) log(`The search engine exited (${code}); searches and processing fail until it is restarted (SIGUSR2 to process ${process.pid}).`);
      });
      return child;
    };
    search = await startSearch(servicePort(settings, 'search'));
    closers.push(() => search.stop());
    // The processing function creates the index with its first image; creating it now lets a new
    // user search (and see nothing) before uploading anything.
    const index = createSearchClient({ searchEndpoint: search.url, region: LOCAL_REGION }, LOCAL_CREDENTIALS);
    await new ImageIndex(index).ensureIndex();
    await index.close();

    // Its own process: every acknowledged send waits for an fsync, which would stall the event
    // loop that serves the API and runs the processing function.
    const queues: LocalQueueDeclaration[] = [
      { name: LOCAL_QUEUES.deadLetter },
      {
        name: LOCAL_QUEUES.processing,
        visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
        redrive: { deadLetterQueueName: LOCAL_QUEUES.deadLetter, maxReceiveCount: settings.maxReceiveCount },
      },
    ];
    const sqs = await startChildService({
      name: 'sqs',
      main: SQS_MAIN,
      args: ['--data-dir', serviceDataDir(settings, 'sqs'), '--port', String(servicePort(settings, 'sqs')), '--region', LOCAL_REGION, '--queues', JSON.stringify(queues)],
      env: childEnv,
      log,
    });
    closers.push(() => sqs.stop());
    const queueUrl = localQueueUrl(sqs.url, LOCAL_QUEUES.processing);
    const sqsClient = new SQSClient({ endpoint: sqs.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

    // S3 -> SQS notifications, as the stack configures them: at least once, as on AWS. The
    // service keeps each event on disk from before the upload is acknowledged until SQS has
    // acknowledged the send, and sends again what a crash left (local/s3/outbox.ts).
    const s3 = await startLocalS3Service({
      dataDir: serviceDataDir(settings, 's3'),
      port: servicePort(settings, 's3'),
      host: LOCAL_HOST,
      bucket: LOCAL_BUCKET,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      onEvent: async (record) => {
        await sqsClient.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ Records: [record] }) }));
      },
      log,
    });
    closers.push(() => s3.close());

    const cognito = await startLocalCognito({
      dataDir: serviceDataDir(settings, 'cognito'),
      port: servicePort(settings, 'cognito'),
      host: LOCAL_HOST,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      log,
    });
    closers.push(() => cognito.close());

    const vision = await startLocalRekognition({
      port: servicePort(settings, 'vision'),
      host: LOCAL_HOST,
      mode: settings.vision,
      auth: { credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION },
      ...(settings.visionWorkers ? { workers: settings.visionWorkers } : {}),
      s3: { endpoint: s3.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true },
    });
    closers.push(() => vision.close());

    // The functions read their configuration from the environment at cold start, as on Lambda.
    Object.assign(process.env, {
      [ENV.bucket]: LOCAL_BUCKET,
      [ENV.region]: LOCAL_REGION,
      [ENV.s3Endpoint]: s3.endpoint,
      [ENV.searchEndpoint]: search.url,
      [ENV.rekognitionEndpoint]: vision.url,
      [ENV.queueUrl]: queueUrl,
      // Local vision costs nothing per call: what it looks for is `--detect` (settings.detect).
      [ENV.detectFaces]: String(settings.detect.includes('faces')),
      [ENV.detectModeration]: String(settings.detect.includes('moderation')),
      [ENV.detectText]: String(settings.detect.includes('text')),
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      // Lambda sends these to CloudWatch; a terminal wants warnings only.
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
      // Nothing is traced locally (no X-Ray daemon; Powertools' Tracer is off outside Lambda). In
      // its default mode the X-Ray SDK enables an async hook when imported, and every promise of
      // this process (AppSync, the S3 front) then paid for it: 5-8 ms of CPU per processed image.
      AWS_XRAY_MANUAL_MODE: 'true',
    });
    // The CA is made on first start and kept; the server certificate is renewed near expiry.
    const tls = await ensureLocalTls(tlsDir(settings));
    const appsync = await startLocalAppSync({
      port: servicePort(settings, 'graphql'),
      host: LOCAL_HOST,
      region: LOCAL_REGION,
      searchEndpoint: search.url,
      searchCredentials: LOCAL_CREDENTIALS,
      lambdas: await apiHandlers(),
      cognito: { userPoolId: cognito.userPoolId, clientIds: [cognito.clientId], jwks: cognito.jwks },
      iam: LOCAL_CREDENTIALS,
      // The deployed API's query depth and resolver count limits.
      queryLimits: DEFAULT_SETTINGS,
      explorer: true,
      explorerSignIn: { cognitoEndpoint: cognito.endpoint, userPoolClientId: cognito.clientId },
      tls,
    });
    closers.push(() => appsync.close());

    process.env[ENV.graphqlUrl] = appsync.url;
    // Lambda runs one invocation at a time per container, and the handler keeps per-invocation
    // state at module level (Powertools' BatchProcessor): concurrent invocations sharing one module
    // mix their batches' results up, and a failed record can then be deleted as if it succeeded.
    // So each concurrent invocation gets a module instance of its own, as on Lambda.
    const containers = await Promise.all(
      Array.from({ length: settings.processingConcurrency }, async (_, i) => {
        const instance = (await import(/* @vite-ignore */ `../functions/process-image/index.ts?container=${i}`)) as { handler: typeof processImageHandler };
        return instance.handler;
      }),
    );
    const processImage = async (event: SQSEvent, context: Context) => {
      const container = containers.pop();
      if (!container) throw new Error('process-image: more concurrent invocations than containers');
      try {
        return await container(event, context);
      } finally {
        containers.push(container);
      }
    };
    const poller = pollQueue({
      sqs: sqsClient,
      queueUrl,
      handler: (event: SQSEvent, context: Context) => processImage(event, context),
      batchSize: PROCESSING_BATCH_SIZE,
      maxConcurrency: settings.processingConcurrency,
      functionName: 'process-image',
      // The handler stops starting work when little of this is left (functions/process-image/README.md).
      timeoutSeconds: PROCESSING_TIMEOUT_SECONDS,
      region: LOCAL_REGION,
      onError: (error) => log(`processing: ${String(error)}`),
    });
    closers.push(() => poller.stop());

    const outputs: Record<string, string> = {
      [OUTPUT_KEYS.graphqlUrl]: appsync.url,
      [OUTPUT_KEYS.realtimeUrl]: appsync.realtimeUrl,
      [OUTPUT_KEYS.region]: LOCAL_REGION,
      [OUTPUT_KEYS.userPoolId]: cognito.userPoolId,
      [OUTPUT_KEYS.userPoolClientId]: cognito.clientId,
      [OUTPUT_KEYS.bucketName]: LOCAL_BUCKET,
      [OUTPUT_KEYS.queueUrl]: queueUrl,
      [OUTPUT_KEYS.deadLetterQueueUrl]: localQueueUrl(sqs.url, LOCAL_QUEUES.deadLetter),
      [OUTPUT_KEYS.searchEndpoint]: search.url,
      [LOCAL_OUTPUT_KEYS.cognitoEndpoint]: cognito.endpoint,
      [LOCAL_OUTPUT_KEYS.s3Endpoint]: s3.endpoint,
      [LOCAL_OUTPUT_KEYS.sqsEndpoint]: sqs.url,
      [LOCAL_OUTPUT_KEYS.visionEndpoint]: vision.url,
      ...(appsync.tlsUrl && appsync.tlsRealtimeUrl
        ? { [LOCAL_OUTPUT_KEYS.graphqlTlsUrl]: appsync.tlsUrl, [LOCAL_OUTPUT_KEYS.realtimeTlsUrl]: appsync.tlsRealtimeUrl }
        : {}),
      [LOCAL_OUTPUT_KEYS.caCertificateFile]: resolve(tls.caFile),
    };
    // The web app as CloudFront serves it, with the config.json the stack would write beside it.
    const web = await startWebServer({
      root: (await webApp).dir,
      config: clientConfigFromOutputs(outputs),
      connectOrigins: [appsync.url, appsync.realtimeUrl, cognito.endpoint, s3.endpoint].map((url) => new URL(url).origin),
      imageOrigins: [new URL(s3.endpoint).origin],
      port: servicePort(settings, 'web'),
      host: LOCAL_HOST,
    });
    closers.push(() => web.close());
    outputs[OUTPUT_KEYS.webUrl] = `${web.url}/`;
    const file = outputsFile(settings);
    await mkdir(settings.dataDir, { recursive: true });
    await writeFile(file, `${JSON.stringify(outputs, null, 2)}\n`);
    const writeProcesses = () => writeFile(processesFile(settings), `${JSON.stringify({ cloud: process.pid, search: search.pid, sqs: sqs.pid }, null, 2)}\n`);
    await writeProcesses();
    closers.unshift(() => rm(processesFile(settings), { force: true }));

    // One restart at a time; the engine listens on the port every client already has.
    let restarting = Promise.resolve();
    const restartSearchEngine = () => {
      const restart = restarting.then(async () => {
        stoppingSearch = true;
        await search.stop();
        stoppingSearch = false;
        search = await startSearch(Number(new URL(search.url).port));
        await writeProcesses();
      });
      restarting = restart.catch(() => undefined);
      return restart;
    };
    return { outputs, outputsFile: file, visionReady: vision.ready, restartSearchEngine, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The API's Lambda handlers, imported once the environment they read is set. The local AppSync
 * builds their events as AppSync does, which the handlers trust as they do on AWS.
 */
async function apiHandlers(): Promise<Record<ApiFunctionName, LambdaHandler>> {
  const [requestUpload, deleteImage, signUrls] = await Promise.all([
    import('../functions/request-upload/index.ts'),
    import('../functions/delete-image/index.ts'),
    import('../functions/sign-urls/index.ts'),
  ]);
  const handlers = { 'request-upload': requestUpload.handler, 'delete-image': deleteImage.handler, 'sign-urls': signUrls.handler };
  return handlers as Record<ApiFunctionName, LambdaHandler>;
}
