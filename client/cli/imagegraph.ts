/**
 * `imagegraph`: the command line for ImageGraph. Works against the local cloud and AWS alike: it
 * finds the deployment in the outputs file (see deployment.ts). Progress goes to stderr, results
 * to stdout (as JSON with --json).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { Command, Option } from 'commander';
import { DEFAULTS, ENV, thumbnailSpecs } from '../../functions/shared/config.ts';
import { createS3Client } from '../../functions/shared/s3-client.ts';
import { ImageIndex, createSearchClient } from '../../functions/process-image/image-index.ts';
import { OUTPUT_KEYS } from '../../infra/stack-outputs.ts';
import { loadDeployment } from './deployment.ts';
import { sqsQueue } from './operations/message-queue.ts';
import { processFiles } from './operations/process-files.ts';
import { reconcile } from './operations/reconcile.ts';
import { redrive } from './operations/redrive.ts';
import { reindex } from './operations/reindex.ts';
import { terminalProgress } from './progress.ts';

const program = new Command('imagegraph')
  .description('ImageGraph: upload, process, search and operate your photo pipeline, locally or on AWS.')
  .addOption(new Option('--outputs <file>', 'deployment outputs file (default: .imagegraph/outputs.json, then cdk-outputs.json)'))
  .showHelpAfterError();

function deployment() {
  const outputs = loadDeployment(program.opts<{ outputs?: string }>().outputs);
  const region = outputs[OUTPUT_KEYS.region];
  // Endpoints are unset on AWS; the local cloud sets them (same variables the functions read).
  const s3 = createS3Client({ bucket: outputs[OUTPUT_KEYS.bucketName], region, s3Endpoint: process.env[ENV.s3Endpoint] || undefined });
  const sqs = new SQSClient({ region, ...(process.env.SQS_ENDPOINT ? { endpoint: process.env.SQS_ENDPOINT } : {}) });
  return { outputs, region, s3, sqs, bucket: outputs[OUTPUT_KEYS.bucketName] };
}

function print(json: boolean, value: unknown, lines: string[]): void {
  console.log(json ? JSON.stringify(value, null, 2) : lines.join('\n'));
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

program
  .command('reindex')
  .description('Rebuild the search index from the metadata sidecars in the bucket (no Rekognition calls).')
  .option('--json', 'print the summary as JSON')
  .action(async (options: { json?: boolean }) => {
    const { outputs, region, s3, bucket } = deployment();
    const index = new ImageIndex(createSearchClient({ searchEndpoint: outputs[OUTPUT_KEYS.searchEndpoint], region }));
    const summary = await reindex({ s3, bucket, index, progress: terminalProgress() });
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

program.parseAsync().catch((error: unknown) => {
  console.error(`imagegraph: ${(error as Error).message}`);
  process.exitCode = 1;
});
