/**
 * `imagegraph`: the command line for ImageGraph. Works against the local cloud and AWS alike: it
 * finds the deployment in the outputs file (see deployment.ts). Progress goes to stderr, results
 * to stdout (as JSON with --json).
 */
import { writeFile } from 'node:fs/promises';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Command, InvalidArgumentError, Option } from 'commander';
import pLimit from 'p-limit';
import { DEFAULTS, thumbnailSpecs } from '../../functions/shared/config.ts';
import { createS3Client } from '../../functions/shared/s3-client.ts';
import { ImageIndex, createSearchClient } from '../../functions/process-image/image-index.ts';
import { LOCAL_OUTPUT_KEYS, OUTPUT_KEYS } from '../../infra/stack-outputs.ts';
import { LOCAL_CREDENTIALS } from '../../local/config.ts';
import { findOutputsFile, loadClientConfig, loadDeployment } from './deployment.ts';
import { sqsQueue } from './operations/message-queue.ts';
import { processFiles } from './operations/process-files.ts';
import { reconcile } from './operations/reconcile.ts';
import { redrive } from './operations/redrive.ts';
import { reindex } from './operations/reindex.ts';
import { terminalProgress } from './progress.ts';
import { runSmoke } from './smoke/smoke.ts';
import { formatHeader, formatRow, formatVerdict } from './smoke/steps.ts';
import { throwawayUsersFor } from './smoke/throwaway-users.ts';
import { connect } from './user/connect.ts';
import { eventLine, imageLine, terminalSafe } from './user/format.ts';
import { ask } from './user/prompt.ts';
import { similarLine, similarityReasons } from './user/similar.ts';
import { listImageFiles, uploadFiles } from './user/upload-files.ts';
import { WATCH_BANNER, watchImageEvents } from './user/watch.ts';
import { fileUploadRecord, UploadedImages } from './user/uploaded-images.ts';
import { UNUSABLE_SESSION_FILE } from './user/session-file.ts';
import { amplifyConfigure, amplifyOutputs } from '../src/api/amplify-config.ts';
import type { ResubscribeOptions } from '../src/api/apollo.ts';
import { installWebSocket } from '../src/api/node-websocket.ts';
import { AuthError, CognitoSession, memoryTokenStore } from '../src/api/session.ts';
import {
  DuplicateImagesDocument,
  DuplicateOriginalDocument,
  ImageDocument,
  ImageStatsDocument,
  SearchImagesDocument,
  SimilarImagesDocument,
  type ImageFilter,
} from '../src/generated/graphql.ts';
import { duplicateGroups, groupLines, missingOriginals, type ListedImage } from './user/duplicate-groups.ts';

/** More uploads at a time than this only queue up at the network and the API's rate limits. */
const MAX_UPLOAD_CONCURRENCY = 16;

/** `duplicates` reads this many originals at a time. */
const ORIGINALS_IN_FLIGHT = 8;

// A reader that stops early (`imagegraph search --json | head`) closes stdout: end quietly, as
// commands killed by SIGPIPE do, rather than with an unhandled EPIPE and its stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const program = new Command('imagegraph')
  .description('ImageGraph: upload, process, search and operate your photo pipeline, locally or on AWS.')
  .addOption(new Option('--outputs <file>', 'deployment outputs file (default: .imagegraph/outputs.json, then cdk-outputs.json)'))
  .showHelpAfterError();

function deployment() {
  const outputs = loadDeployment(program.opts<{ outputs?: string }>().outputs);
  const region = outputs[OUTPUT_KEYS.region];
  // The local cloud's outputs carry its endpoints and it accepts only its own key pair; on AWS the
  // endpoints follow from the region and credentials come from the usual chain.
  const local = { s3Endpoint: outputs[LOCAL_OUTPUT_KEYS.s3Endpoint], sqsEndpoint: outputs[LOCAL_OUTPUT_KEYS.sqsEndpoint] };
  const credentials = local.s3Endpoint || local.sqsEndpoint ? LOCAL_CREDENTIALS : undefined;
  const s3 = createS3Client({ bucket: outputs[OUTPUT_KEYS.bucketName], region, s3Endpoint: local.s3Endpoint }, credentials);
  const sqs = new SQSClient({ region, ...(local.sqsEndpoint ? { endpoint: local.sqsEndpoint } : {}), ...(credentials ? { credentials } : {}) });
  return { outputs, region, s3, sqs, credentials, bucket: outputs[OUTPUT_KEYS.bucketName] };
}

function print(json: boolean, value: unknown, lines: string[]): void {
  // JSON escapes control characters itself.
  console.log(json ? JSON.stringify(value, null, 2) : terminalSafe(lines.join('\n')));
}

program
  .command('process')
  .description("Run the processing function's core on local files (no AWS, nothing uploaded) and print what would be indexed.")
  .argument('<files...>', 'image files')
  .option('--json', 'print the documents as JSON')
  .action(async (files: string[], options: { json?: boolean }) => {
    const results = await processFiles(
      files,
      { maxUploadBytes: DEFAULTS.maxUploadBytes, maxInputPixels: DEFAULTS.maxInputPixels, thumbnails: thumbnailSpecs(DEFAULTS.thumbnailSizes) },
      terminalProgress(),
    );
    const failed = results.filter((result) => result.document.status === 'FAILED');
    print(
      Boolean(options.json),
      results.map(({ path, document, milliseconds }) => ({ path, milliseconds: Math.round(milliseconds), document })),
      [
        ...results.map(({ path, document, milliseconds }) =>
          document.status === 'FAILED'
            ? `FAILED     ${path}: ${document.failureReason}`
            : `PROCESSED  ${path}: ${document.format} ${document.width}x${document.height}` +
              `${document.cameraName ? `, ${document.cameraName}` : ''}${document.takenAt ? `, taken ${document.takenAt}` : ''}` +
              `, ${document.thumbnails.length} thumbnails (${Math.round(milliseconds)} ms)`,
        ),
        `${results.length - failed.length} processed, ${failed.length} failed`,
      ],
    );
    if (failed.length > 0) process.exitCode = 1;
  });

/**
 * reindex's bulk writes of many documents, and --recreate's index creation, can take far longer
 * than the processing function's one-document calls it allows 8 s of silence (DEFAULTS.searchTimeoutMs).
 */
const REINDEX_REQUEST_TIMEOUT_MS = 60_000;

program
  .command('reindex')
  .description('Rebuild the search index from the metadata sidecars in the bucket (no Rekognition calls).')
  .option('--recreate', 'delete the index and create it with the current mapping first (after an upgrade that changes it)')
  .option('--json', 'print the summary as JSON')
  .action(async (options: { json?: boolean; recreate?: boolean }) => {
    const { outputs, region, s3, credentials, bucket } = deployment();
    const index = new ImageIndex(
      createSearchClient({ searchEndpoint: outputs[OUTPUT_KEYS.searchEndpoint], region }, credentials, { requestTimeout: REINDEX_REQUEST_TIMEOUT_MS }),
    );
    const summary = await reindex({ s3, bucket, index, progress: terminalProgress(), recreate: Boolean(options.recreate) });
    print(Boolean(options.json), summary, [
      `${summary.sidecars} sidecars read, ${summary.written} documents written, ${summary.failed.length} refused by the index, ${summary.unreadable.length} unreadable`,
      ...summary.failed.map((failure) => `  refused ${failure.id}: ${failure.reason}`),
      ...summary.unreadable.map((failure) => `  unreadable ${failure.key}: ${failure.reason}`),
    ]);
    if (summary.failed.length + summary.unreadable.length > 0) process.exitCode = 1;
  });

program
  .command('reconcile')
  .description('Find originals that were never processed (no sidecar) and queue them for processing.')
  .option('--dry-run', 'only list them')
  .option('--json', 'print the summary as JSON')
  .action(async (options: { dryRun?: boolean; json?: boolean }) => {
    const { outputs, s3, sqs, bucket } = deployment();
    const summary = await reconcile(
      { s3, bucket, queue: sqsQueue(sqs, outputs[OUTPUT_KEYS.queueUrl]), progress: terminalProgress() },
      { dryRun: Boolean(options.dryRun) },
    );
    print(Boolean(options.json), summary, [
      ...summary.missing.map((key) => `  ${options.dryRun ? 'unprocessed' : 'queued'} ${key}`),
      `${summary.originals} originals, ${summary.missing.length} without a sidecar, ${summary.enqueued} queued`,
    ]);
  });

program
  .command('redrive')
  .description('Move every message from the dead-letter queue back to the processing queue.')
  .option('--json', 'print the summary as JSON')
  .action(async (options: { json?: boolean }) => {
    const { outputs, sqs } = deployment();
    const summary = await redrive(
      sqsQueue(sqs, outputs[OUTPUT_KEYS.deadLetterQueueUrl]),
      sqsQueue(sqs, outputs[OUTPUT_KEYS.queueUrl]),
      terminalProgress(),
    );
    print(Boolean(options.json), summary, [`${summary.moved} messages moved back to the processing queue`]);
  });

// User commands: they act as a signed-in user through the GraphQL API, as the web app does.

function api(resubscribe: ResubscribeOptions = {}) {
  return connect(program.opts<{ outputs?: string }>().outputs, {
    onResubscribe: () => console.error('imagegraph: connection lost, resubscribing'),
    ...resubscribe,
  });
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The email from --email or asked; the password from $IMAGEGRAPH_PASSWORD or asked without echo. */
async function emailAndPassword(options: { email?: string }): Promise<{ email: string; password: string }> {
  const email = options.email ?? (await ask('Email: '));
  const password = process.env.IMAGEGRAPH_PASSWORD ?? (await ask('Password: ', { secret: true }));
  return { email, password };
}

program
  .command('signup')
  .description('Create an account; Cognito sends a confirmation code to the email address.')
  .option('--email <email>', 'your email address (asked when omitted)')
  .addHelpText('after', '\nThe password is read from $IMAGEGRAPH_PASSWORD, or asked without echo.')
  .action(async (options: { email?: string }) => {
    const { session } = api();
    const { email, password } = await emailAndPassword(options);
    const { confirmed } = await session.signUp(email, password);
    console.log(confirmed ? 'Account created and confirmed: run `imagegraph login`.' : `Account created: run \`imagegraph confirm --email ${email}\` with the code sent to you.`);
  });

program
  .command('confirm')
  .description('Confirm a new account with the code from the confirmation email.')
  .option('--email <email>', 'your email address (asked when omitted)')
  .option('--code <code>', 'the confirmation code (asked when omitted)')
  .option('--resend', 'send a new code instead')
  .action(async (options: { email?: string; code?: string; resend?: boolean }) => {
    const { session } = api();
    const email = options.email ?? (await ask('Email: '));
    if (options.resend) {
      await session.resendCode(email);
      console.log('A new code is on its way.');
      return;
    }
    await session.confirmSignUp(email, options.code ?? (await ask('Code: ')));
    console.log('Account confirmed: run `imagegraph login`.');
  });

program
  .command('login')
  .description('Sign in (SRP: the password never leaves this machine); the tokens are kept in .imagegraph/session.json (readable only by you) and refreshed as needed.')
  .option('--email <email>', 'your email address (asked when omitted)')
  .addHelpText('after', '\nThe password is read from $IMAGEGRAPH_PASSWORD, or asked without echo.')
  .action(async (options: { email?: string }) => {
    const { session } = api();
    const { email, password } = await emailAndPassword(options);
    const tokens = await session.signIn(email, password);
    console.log(`Signed in as ${tokens.email || email}.`);
  });

program
  .command('reset-password')
  .description('Forgotten password: emails a reset code; run again with --code to set a new password.')
  .option('--email <email>', 'your email address (asked when omitted)')
  .option('--code <code>', 'the reset code from the email')
  .addHelpText('after', '\nWith --code, the new password is read from $IMAGEGRAPH_NEW_PASSWORD, or asked without echo.')
  .action(async (options: { email?: string; code?: string }) => {
    const { session } = api();
    const email = options.email ?? (await ask('Email: '));
    if (!options.code) {
      const { destination } = await session.forgotPassword(email);
      console.log(`A reset code is on its way to ${destination}: run \`imagegraph reset-password --email ${email} --code <code>\`.`);
      return;
    }
    await session.confirmForgotPassword(email, options.code, process.env.IMAGEGRAPH_NEW_PASSWORD ?? (await ask('New password: ', { secret: true })));
    console.log('Password changed: run `imagegraph login`.');
  });

program
  .command('change-password')
  .description("Change the signed-in user's password.")
  .addHelpText('after', '\nThe current password is read from $IMAGEGRAPH_PASSWORD and the new one from $IMAGEGRAPH_NEW_PASSWORD, or both asked without echo.')
  .action(async () => {
    const { session } = api();
    const current = process.env.IMAGEGRAPH_PASSWORD ?? (await ask('Current password: ', { secret: true }));
    await session.changePassword(current, process.env.IMAGEGRAPH_NEW_PASSWORD ?? (await ask('New password: ', { secret: true })));
    console.log('Password changed.');
  });

program
  .command('logout')
  .description('Sign out: revokes the refresh token and forgets the stored tokens.')
  .action(async () => {
    const notRevoked = await api().session.signOut();
    if (!notRevoked) return void console.log('Signed out.');
    // Said, not hidden: whoever has a copy of the refresh token can still use it.
    throw new Error(`Signed out on this machine, but the refresh token was not revoked (${notRevoked.message}): it stays valid until it expires.`);
  });

program
  .command('upload')
  .description('Upload images; directories are walked recursively. Files whose contents you already have (same sha256) are skipped.')
  .argument('<paths...>', 'image files and directories')
  .option('-c, --concurrency <n>', `uploads at a time (1-${MAX_UPLOAD_CONCURRENCY})`, (value) => wholeNumberIn('--concurrency', value, 1, MAX_UPLOAD_CONCURRENCY), 4)
  .option('--json', 'print one result per file as JSON')
  .addHelpText(
    'after',
    '\nSymbolic links inside directories are not followed (name a linked file or folder to upload it). Ctrl-C stops\n' +
      'starting uploads, lets those under way finish and prints the summary; run the same command again to upload the rest.',
  )
  .action(async (paths: string[], options: { concurrency: number; json?: boolean }) => {
    const { session, client } = api();
    await session.idToken(); // fails early when signed out, and refreshes
    const sub = session.current?.sub ?? '';
    const { files, links } = await listImageFiles(paths);
    for (const link of links) console.error(terminalSafe(`imagegraph: not following the symbolic link ${link}`));
    if (files.length === 0) throw new Error(`no image files in ${paths.join(', ')}`);
    const record = fileUploadRecord(sub, { warn: (message) => console.error(terminalSafe(`imagegraph: ${message}`)) });
    const uploaded = await UploadedImages.load(client, record);
    // First Ctrl-C: no new uploads, the summary still comes; a second one quits at once.
    const interrupt = new AbortController();
    process.once('SIGINT', () => {
      console.error('imagegraph: interrupted; finishing the uploads under way (Ctrl-C again to quit at once)');
      interrupt.abort();
    });
    const outcomes = await uploadFiles({ client, files, uploaded, concurrency: options.concurrency, progress: terminalProgress(), signal: interrupt.signal });
    const count = (status: string) => outcomes.filter((outcome) => outcome.status === status).length;
    print(Boolean(options.json), outcomes, [
      ...outcomes
        .filter((outcome) => outcome.status === 'skipped' || outcome.status === 'failed')
        .map((outcome) => `  ${outcome.status} ${outcome.path}${outcome.reason ? `: ${outcome.reason}` : ''}`),
      `${count('uploaded')} uploaded, ${count('skipped')} skipped (already uploaded), ${count('failed')} failed` +
        (count('interrupted') > 0 ? `, ${count('interrupted')} not uploaded (interrupted: run the same command again for them)` : '') +
        (count('uploaded') > 0 ? '. Processing has started: `imagegraph watch` shows it finish.' : ''),
    ]);
    if (interrupt.signal.aborted) process.exitCode = 130;
    else if (count('failed') > 0) process.exitCode = 1;
  });

program
  .command('search')
  .description('Search your images by what is in them, their text, file name and camera.')
  .argument('[query]', 'words to look for (omit to list everything matching the filters)')
  .option('-l, --label <label>', 'only images with this label (repeatable: all must match)', collect)
  .option('--since <date>', 'only images taken on or after this date (YYYY-MM-DD or ISO 8601)')
  .option('--camera <model>', 'only images from this camera model')
  .option('--sort <order>', 'RELEVANCE, NEWEST, OLDEST or TAKEN')
  .option('-n, --first <n>', 'how many results (1-100)', (value) => wholeNumber('--first', value), 24)
  .option('--json', 'print the results as JSON')
  .action(async (query: string | undefined, options: { label?: string[]; since?: string; camera?: string; sort?: string; first: number; json?: boolean }) => {
    const filter: ImageFilter = {
      ...(options.label ? { labels: options.label } : {}),
      ...(options.since ? { takenAfter: isoInstant(options.since) } : {}),
      ...(options.camera ? { camera: options.camera } : {}),
    };
    const sort = options.sort?.toUpperCase();
    if (sort && !['RELEVANCE', 'NEWEST', 'OLDEST', 'TAKEN'].includes(sort)) throw new Error(`--sort must be RELEVANCE, NEWEST, OLDEST or TAKEN, not ${options.sort}`);
    const { client } = api();
    const { data } = await client.query({
      query: SearchImagesDocument,
      variables: { query: query ?? null, filter, first: options.first, ...(sort ? { sort: sort as 'NEWEST' } : {}) },
      fetchPolicy: 'no-cache',
    });
    if (!data) throw new Error('searchImages returned no data');
    const { items, totalCount } = data.searchImages;
    print(Boolean(options.json), data.searchImages, [...items.map(imageLine), `${items.length} of ${totalCount} images`]);
  });

program
  .command('similar')
  .description('Your images most like one of yours: copies first (same file, then resized or re-encoded), then shared labels, words and colours.')
  .argument('<id>', 'the image id, as search and upload print it')
  .option('-n, --first <n>', 'how many (1-50)', (value) => wholeNumber('--first', value), 12)
  .option('--json', 'print the images and the reasons as JSON')
  .action(async (id: string, options: { first: number; json?: boolean }) => {
    const { client } = api();
    const { data } = await client.query({ query: SimilarImagesDocument, variables: { id, first: options.first }, fetchPolicy: 'no-cache' });
    const { data: found } = await client.query({ query: ImageDocument, variables: { id }, fetchPolicy: 'no-cache' });
    const image = found?.image;
    if (!data || !image) throw new Error(`No image ${id}`);
    const similar = data.similarImages.items.map((item) => ({ image: item, reasons: similarityReasons(image, item) }));
    print(
      Boolean(options.json),
      similar.map(({ image: item, reasons }) => ({ id: item.id, fileName: item.fileName, reasons })),
      [...similar.map(({ image: item, reasons }) => similarLine(item, reasons)), `${similar.length} similar to ${image.fileName}`],
    );
  });

program
  .command('watch')
  .description('Stream processing outcomes of your images as they happen (Ctrl-C to stop).')
  .option('--image <id>', 'only this image')
  .option('--json', 'print each event as one JSON line')
  .action(async (options: { image?: string; json?: boolean }) => {
    // A connection that fails before the subscription is live ends the command; once live, it reconnects.
    const { client } = api({ retryBeforeAcknowledged: false });
    const watch = watchImageEvents(client, options.image, {
      // Only after AppSync's start_ack: an upload made once this is printed is seen.
      onLive: (first) => console.error(first ? WATCH_BANNER : 'imagegraph: watching again (events while disconnected were missed)'),
      onEvent: (event) => console.log(options.json ? JSON.stringify(event) : terminalSafe(eventLine(event))),
    });
    process.once('SIGINT', watch.stop);
    // Exit either way: the subscription link leaves its socket and timers behind (a 15 s
    // handshake timer even after a refusal).
    await watch.done.catch(reportError);
    process.exit(process.exitCode ?? 0);
  });

program
  .command('stats')
  .description('How many of your images are processing, processed and failed.')
  .option('--json', 'print the counts as JSON')
  .action(async (options: { json?: boolean }) => {
    const { client } = api();
    const { data } = await client.query({ query: ImageStatsDocument, fetchPolicy: 'no-cache' });
    if (!data) throw new Error('imageStats returned no data');
    const { total, processing, processed, failed, duplicates } = data.imageStats;
    print(Boolean(options.json), data.imageStats, [
      `${total} images: ${processed} processed, ${processing} processing, ${failed} failed; ${duplicates} copies of others (imagegraph duplicates)`,
    ]);
  });

program
  .command('duplicates')
  .description('List your copies (same file, or re-encoded/resized near-duplicates) grouped under their original, with the bytes deleting them would free.')
  .option('--json', 'print the groups as JSON')
  .action(async (options: { json?: boolean }) => {
    const { client } = api();
    const copies: ListedImage[] = [];
    let after: string | null | undefined;
    do {
      const { data } = await client.query({ query: DuplicateImagesDocument, variables: { after }, fetchPolicy: 'no-cache' });
      if (!data) throw new Error('searchImages returned no data');
      copies.push(...data.searchImages.items);
      after = data.searchImages.pageInfo.hasNextPage ? data.searchImages.pageInfo.endCursor : null;
    } while (after);
    // Originals are read a few at a time: one by one, a library with many originals waited on each round trip.
    const limit = pLimit(ORIGINALS_IN_FLIGHT);
    const originals = await Promise.all(
      missingOriginals(copies).map((id) =>
        limit(async () => (await client.query({ query: DuplicateOriginalDocument, variables: { id }, fetchPolicy: 'no-cache' })).data?.image ?? null),
      ),
    );
    const groups = duplicateGroups([...originals.filter((image): image is ListedImage => image !== null), ...copies]);
    print(Boolean(options.json), groups, groupLines(groups));
  });

program
  .command('smoke')
  .description(
    'Post-deploy smoke test: a throwaway user uploads a photo, waits for PROCESSED with thumbnails (and labels) through the subscription, ' +
      'fetches the thumbnails, finds it by search, deletes it, and is removed. Prints each step with its time; exits 1 when a step fails.',
  )
  .option('--timeout <seconds>', 'how long each waiting step may take', (value) => positiveNumber('--timeout', value), 120)
  .option('--min-labels <n>', 'labels the photo must get (default: 1 on AWS; 0 locally, where lite vision finds none)', (value) => wholeNumber('--min-labels', value))
  .option('--json', 'print the report as JSON')
  .addHelpText(
    'after',
    '\nOn AWS the user is made with the Cognito admin API and your AWS credentials (default provider chain): allow\n' +
      'cognito-idp:AdminCreateUser, AdminSetUserPassword and AdminDeleteUser on the pool. Locally it signs up with the outbox code.',
  )
  .action(async (options: { timeout: number; minLabels?: number; json?: boolean }) => {
    const outputsFile = findOutputsFile(program.opts<{ outputs?: string }>().outputs);
    const config = loadClientConfig(outputsFile);
    installWebSocket();
    const session = new CognitoSession({ config, store: memoryTokenStore() });
    const interrupt = new AbortController();
    process.once('SIGINT', () => {
      console.error('imagegraph: interrupted, cleaning up (Ctrl-C again to quit at once)');
      interrupt.abort();
    });
    if (!options.json) console.log(formatHeader());
    const report = await runSmoke({
      config,
      session,
      users: throwawayUsersFor(config, outputsFile, session),
      timeoutMs: options.timeout * 1000,
      minLabels: options.minLabels ?? (config.cognitoEndpoint ? 0 : 1),
      signal: interrupt.signal,
      onResult: (result) => {
        if (!options.json) console.log(formatRow(result));
      },
    });
    if (options.json) console.log(JSON.stringify(report, null, 2));
    if (report.ok) {
      if (!options.json) console.log(formatVerdict(report));
    } else {
      console.error(`imagegraph: ${formatVerdict(report)}`);
    }
    // The WebSocket and HTTP agents would keep the process alive.
    process.exit(report.ok ? 0 : 1);
  });

program
  .command('amplify-config')
  .description("Amplify JS v6's configuration for this deployment: the Amplify.configure object (local cloud and AWS), or amplify_outputs.json (Gen 2, AWS only).")
  .addOption(new Option('--format <format>', 'configure: Amplify.configure object; gen2: amplify_outputs.json schema').choices(['configure', 'gen2']).default('configure'))
  .option('--out <file>', 'write it to this file (e.g. amplify_outputs.json) instead of printing it')
  .action(async (options: { format: 'configure' | 'gen2'; out?: string }) => {
    const outputs = loadDeployment(program.opts<{ outputs?: string }>().outputs);
    const config = options.format === 'gen2' ? amplifyOutputs(outputs) : amplifyConfigure(outputs);
    const text = `${JSON.stringify(config, null, 2)}\n`;
    if (!options.out) return void process.stdout.write(text);
    await writeFile(options.out, text);
    const ca = outputs[LOCAL_OUTPUT_KEYS.caCertificateFile];
    console.error(`Wrote ${options.out}.${ca ? ` The local API is served over TLS by a local CA: trust ${ca} (Node: NODE_EXTRA_CA_CERTS=${ca}; browsers: README).` : ''}`);
  });

function positiveNumber(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError(`${name} must be a positive number.`);
  return number;
}

function wholeNumberIn(name: string, value: string, min: number, max: number): number {
  const number = wholeNumber(name, value);
  if (number < min || number > max) throw new InvalidArgumentError(`${name} must be from ${min} to ${max}.`);
  return number;
}

function wholeNumber(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError(`${name} must be a whole number.`);
  return number;
}

/** A date or instant as AWSDateTime; a bare date is its start in UTC. */
function isoInstant(value: string): string {
  const instant = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(instant.getTime())) throw new Error(`--since: not a date: ${value}`);
  return instant.toISOString();
}

/** What to run next, for errors whose words are shared with the web app. */
const NEXT_STEP: Record<string, string> = {
  NotSignedIn: 'Run `imagegraph login`.',
  SessionExpired: 'Run `imagegraph login`.',
  [UNUSABLE_SESSION_FILE]: 'Run `imagegraph login` to sign in again; it replaces the file.',
};

function reportError(error: unknown): void {
  const next = error instanceof AuthError ? NEXT_STEP[error.code] : undefined;
  console.error(`imagegraph: ${terminalSafe((error as Error).message)}${next ? ` ${next}` : ''}`);
  process.exitCode = 1;
}

program.parseAsync().catch(reportError);
