/**
 * A measuring child of bench:process, run with plain `node` on an esbuild bundle of this file, as the
 * Lambda runs its bundle: so its peak RSS is the pipeline's (Node + sharp + the core), not the
 * benchmark's or tsx's. Usage: worker.mjs <analyze|thumbnails> <image path>. It reads the image once,
 * then runs the measured step once per "run" message (in thumbnails mode, optionally only the largest
 * output) and reports time and CPU; on "finish" it reports its peak RSS and exits.
 */
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { analyzeImage } from '../../functions/process-image/analysis/analyze-image.ts';
import { DEFAULTS, thumbnailSpecs } from '../../functions/shared/config.ts';
import type { ChildMessage, ParentMessage, WorkerMode } from './protocol.ts';
import { largestThumbnail, thumbnailStep } from './thumbnail-step.ts';

const [mode, file] = process.argv.slice(2) as [WorkerMode | undefined, string | undefined];
if ((mode !== 'analyze' && mode !== 'thumbnails') || !file || !process.send) {
  console.error('usage (as an IPC child): worker.mjs <analyze|thumbnails> <image>');
  process.exit(2);
}

const send = (message: ChildMessage) => process.send?.(message);

/**
 * This process's own peak RSS, KB: VmHWM, which belongs to the memory of this program. Not
 * resourceUsage().maxRSS: Linux carries it over exec from the forking parent, so it would report
 * the benchmark's own RSS whenever that is larger. maxRSS only where /proc is missing.
 */
function peakRssKb(): number {
  const status = existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '';
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) : process.resourceUsage().maxRSS;
}
const bytes = readFileSync(file);
const options = { maxInputPixels: DEFAULTS.maxInputPixels, thumbnails: thumbnailSpecs(DEFAULTS.thumbnailSizes) };

/** Runs the measured step once; returns the encoded outputs. */
async function step(largestOnly: boolean): Promise<Buffer[]> {
  if (mode === 'thumbnails') return largestOnly ? [await largestThumbnail(bytes, options)] : thumbnailStep(bytes, options);
  const analysis = await analyzeImage(bytes, options);
  return [...analysis.thumbnails.map((thumbnail) => thumbnail.body), ...(analysis.visionRendition ? [analysis.visionRendition] : [])];
}

async function run(largestOnly: boolean): Promise<void> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const outputs = await step(largestOnly);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  send({
    type: 'ran',
    ms,
    cpuMs: (used.user + used.system) / 1000,
    outputBytes: outputs.reduce((sum, output) => sum + output.length, 0),
    outputs: outputs.length,
  });
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'finish') {
    send({ type: 'finished', maxRssKb: peakRssKb() });
    process.disconnect();
    return;
  }
  run(message.largestOnly === true).catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
});

send({ type: 'ready', sharpConcurrency: sharp.concurrency(), idleMaxRssKb: peakRssKb() });
