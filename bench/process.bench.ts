/**
 * `npm run bench:process`: the processing core against the baselines it replaces, on the same
 * camera-sized photos (8 to 24 MP, stitched from real photos: see process/photos.ts) in one run.
 *   (a) analyzeImage, this pipeline's core without vision, in a warm child process per photo (plain
 *       node on an esbuild bundle, as on Lambda), so its peak RSS is the pipeline's own;
 *   (b) the seed workshop's way: `identify -verbose` then `convert -thumbnail 80x80`, two ImageMagick
 *       processes per photo, as its Lambda ran them through gm; compared net of the two processes'
 *       start-up (an 8x8 JPEG through the same two commands, measured each round), as (a) is warm;
 *   (t) our thumbnail step alone: the same outputs analyzeImage makes from the same decode, in a
 *       warm child of its own;
 *   (c) libvips' vipsthumbnail making that same set of outputs, one process per output (its CLI writes
 *       one file per input); compared net of its process start-up, measured in the same run.
 * Goals are ratios measured in the same run, never absolute times, on wall time and on CPU time,
 * plus the peak RSS of (a) on the 24 MP JPEG. Also (a) alone on the 12 MP photo as HEIC and as
 * JPEG, in interleaved rounds: HEIC is decoded by libheif in WebAssembly, JPEG by libvips.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { decodeHeifPrimary } from '../functions/process-image/analysis/heif-decode.ts';
import { DEFAULTS, thumbnailSpecs } from '../functions/shared/config.ts';
import { repoPath } from '../infra/paths.ts';
import {
  type Command,
  CONVERT,
  IDENTIFY,
  VIPSTHUMBNAIL,
  gnuTimeAvailable,
  linkCopies,
  peakRssKb,
  timeCommands,
  vipsCommands,
  workshopCommands,
} from './process/baselines.ts';
import { LAMBDA_PRICING, WORKSHOP_ESTIMATE, cpuShare, usdPerMillion } from './process/lambda-cost.ts';
import { LARGEST, PHONE, type Photo, cameraPhotos, heicOf } from './process/photos.ts';
import { largestFitted } from './process/thumbnail-step.ts';
import { type Summary, mean, median, summarize } from './process/stats.ts';
import { type WorkerBundle, Worker, bundleWorker } from './process/workers.ts';
import { printReport, round } from './report.ts';

/** Timed rounds per photo: at least MIN_ROUNDS, then more while the photo's time budget allows. */
const MIN_ROUNDS = 5;
const MAX_ROUNDS = 15;
const PHOTO_BUDGET_MS = 7_000;
/** Work each vipsthumbnail process is given (in copies of the photo), so its start-up is spread thin. */
const BATCH_WORK_MS = 150;
const MAX_BATCH = 6;
const MEMORY_SIZES_MB = [512, 1024] as const;

type Method = 'a' | 'b' | 'c' | 't' | 't1' | 'c1' | 'startup' | 'bStartup';

interface PhotoResult {
  photo: Photo;
  rounds: number;
  /** Copies of the photo each vipsthumbnail process made its output for. */
  batch: number;
  /** Wall time per photo. b, c: net of start-up (see measurePhoto); bCli, cCli: with their processes' start-ups. */
  a: Summary;
  b: Summary;
  bCli: Summary;
  c: Summary;
  cCli: Summary;
  t: Summary;
  /** Only the largest fitted WebP: ours straight from the file, and vipsthumbnail net of start-up. */
  t1: Summary;
  c1: Summary;
  /** Median CPU time (user + system, all threads) per photo, same runs; b, c and c1 net of start-up. */
  cpu: Record<'a' | 'b' | 'c' | 't' | 't1' | 'c1', number>;
  startupMs: number;
  /** The two ImageMagick processes' start-up (an 8x8 JPEG through both). */
  bStartupMs: number;
  aRssMb: number;
  aIdleRssMb: number;
  bRssMb: number | undefined;
  cRssMb: number | undefined;
  outputs: number;
}

const kb = (value: number) => value / 1024;
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const usd = (value: number) => `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function installBaselines(): void {
  const result = spawnSync('bash', [repoPath('bench/install-baselines.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error('bench/install-baselines.sh failed: ImageMagick or libvips-tools is missing and could not be installed');
}

interface StartupCommands {
  /** A do-nothing vipsthumbnail run (8x8 JPEG to 8x8 WebP): the fixed cost of starting its process. */
  vips: Command;
  /** The workshop's two commands on the same 8x8 JPEG: the fixed cost of starting both. */
  workshop: Command[];
}

async function startupCommands(dir: string): Promise<StartupCommands> {
  const input = path.join(dir, 'startup-8x8.jpg');
  await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).jpeg().toFile(input);
  return {
    vips: { file: VIPSTHUMBNAIL, args: [input, '--size', '8x8', '-o', `${path.join(dir, 'startup-8x8.webp')}[strip]`] },
    workshop: workshopCommands(input, dir),
  };
}

/**
 * One photo, every method, in interleaved rounds (a different order each round) so that the noise of
 * a shared machine falls on all of them alike. vipsthumbnail processes each make their output for
 * `batch` links to the photo; per photo, (c) = (process time - processes x median start-up) / batch.
 * (b) = its two processes' time - their median start-up (one photo each: seconds of work per process).
 */
async function measurePhoto(photo: Photo, bundle: WorkerBundle, dir: string, startup: StartupCommands): Promise<PhotoResult> {
  const specs = thumbnailSpecs(DEFAULTS.thumbnailSizes);
  const core = await Worker.start(bundle, 'analyze', photo.file);
  const thumbs = await Worker.start(bundle, 'thumbnails', photo.file);
  try {
    // Same number of libvips threads for vipsthumbnail as sharp uses per image.
    const env = { ...process.env, VIPS_CONCURRENCY: String(thumbs.ready.sharpConcurrency) };
    const workshop = workshopCommands(photo.file, dir);
    const single = vipsCommands([photo.file], dir, specs);

    // Warm-up (not timed): loads caches, checks that both make the same outputs, takes the external peak RSS.
    await core.run();
    const thumbRun = await thumbs.run();
    const largestRun = await thumbs.run(true);
    if (thumbRun.outputs !== single.length) {
      throw new Error(`our thumbnail step made ${thumbRun.outputs} outputs, vipsthumbnail ${single.length}: not the same work`);
    }
    const bRss = peakRssKb(workshop, env);
    const cRss = peakRssKb(single, env);
    // Enough copies that each vipsthumbnail process has ~BATCH_WORK_MS of work (its largest output ~ ours).
    const batch = Math.min(MAX_BATCH, Math.max(1, Math.round(BATCH_WORK_MS / Math.max(1, largestRun.ms))));
    const copies = linkCopies(photo.file, dir, batch);
    const vips = vipsCommands(copies, dir, specs);
    const vipsLargest = vipsCommands(copies, dir, [largestFitted(specs)]);

    const wall: Record<Method, number[]> = { a: [], b: [], c: [], t: [], t1: [], c1: [], startup: [], bStartup: [] };
    const cpu: Record<Method, number[]> = { a: [], b: [], c: [], t: [], t1: [], c1: [], startup: [], bStartup: [] };
    const record = (method: Method, timing: { ms: number; cpuMs: number }) => {
      wall[method].push(timing.ms);
      cpu[method].push(timing.cpuMs);
    };
    const order: Method[] = ['a', 'b', 'c', 't', 't1', 'c1', 'startup', 'bStartup'];
    const roundsBegan = performance.now();
    let rounds = 0;
    // Another round while the projected time of this photo's rounds stays within its budget.
    const another = () =>
      rounds < MIN_ROUNDS || (rounds < MAX_ROUNDS && ((performance.now() - roundsBegan) * (rounds + 1)) / rounds <= PHOTO_BUDGET_MS);
    while (another()) {
      // A different order each round, so no method always follows the same neighbour.
      for (let i = 0; i < order.length; i += 1) {
        const method = order[(i + rounds) % order.length] ?? 'a';
        if (method === 'a') record(method, await core.run());
        else if (method === 't') record(method, await thumbs.run());
        else if (method === 't1') record(method, await thumbs.run(true));
        else if (method === 'b') record(method, timeCommands(workshop, env));
        else if (method === 'c') record(method, timeCommands(vips, env));
        else if (method === 'c1') record(method, timeCommands(vipsLargest, env));
        else if (method === 'bStartup') record(method, timeCommands(startup.workshop, env));
        else record(method, timeCommands([startup.vips], env));
      }
      rounds += 1;
    }
    const coreEnd = await core.finish();
    await thumbs.finish();

    // vipsthumbnail per photo: its process time minus its processes' start-up, over the copies it made.
    const startupMs = median(wall.startup);
    const startupCpuMs = median(cpu.startup);
    const bStartupMs = median(wall.bStartup);
    const net = (samples: number[], processes: number, fixed: number, copies = batch) => samples.map((ms) => Math.max(0, ms - processes * fixed) / copies);
    const cNet = net(wall.c, vips.length, startupMs);
    return {
      photo,
      rounds,
      batch,
      a: summarize(wall.a),
      b: summarize(net(wall.b, 1, bStartupMs, 1)),
      bCli: summarize(wall.b),
      c: summarize(cNet),
      cCli: summarize(cNet.map((ms) => ms + single.length * startupMs)),
      t: summarize(wall.t),
      t1: summarize(wall.t1),
      c1: summarize(net(wall.c1, vipsLargest.length, startupMs)),
      cpu: {
        a: median(cpu.a),
        b: median(net(cpu.b, 1, median(cpu.bStartup), 1)),
        c: median(net(cpu.c, vips.length, startupCpuMs)),
        t: median(cpu.t),
        t1: median(cpu.t1),
        c1: median(net(cpu.c1, vipsLargest.length, startupCpuMs)),
      },
      startupMs,
      bStartupMs,
      aRssMb: kb(coreEnd.maxRssKb),
      aIdleRssMb: kb(core.ready.idleMaxRssKb),
      bRssMb: bRss === undefined ? undefined : kb(bRss),
      cRssMb: cRss === undefined ? undefined : kb(cRss),
      outputs: single.length,
    };
  } finally {
    core.kill();
    thumbs.kill();
  }
}

interface CoreOnlyResult {
  photo: Photo;
  a: Summary;
  cpuMs: number;
  rssMb: number;
}

/** (a) alone on each photo, each in its own warm child, rounds interleaved across the photos. */
async function measureCoreOnly(photos: Photo[], bundle: WorkerBundle): Promise<CoreOnlyResult[]> {
  const workers: Worker[] = [];
  try {
    for (const photo of photos) workers.push(await Worker.start(bundle, 'analyze', photo.file));
    for (const worker of workers) await worker.run();
    const wall = photos.map((): number[] => []);
    const cpu = photos.map((): number[] => []);
    for (let round = 0; round < MIN_ROUNDS; round += 1) {
      for (let i = 0; i < workers.length; i += 1) {
        const index = (i + round) % workers.length;
        const timing = await workers[index]!.run();
        wall[index]!.push(timing.ms);
        cpu[index]!.push(timing.cpuMs);
      }
    }
    const results: CoreOnlyResult[] = [];
    for (const [index, worker] of workers.entries()) {
      const finished = await worker.finish();
      results.push({ photo: photos[index]!, a: summarize(wall[index]!), cpuMs: median(cpu[index]!), rssMb: kb(finished.maxRssKb) });
    }
    return results;
  } finally {
    for (const worker of workers) worker.kill();
  }
}

/** libheif's decode of the full-size primary image alone, in this process, median of MIN_ROUNDS. */
function heifDecodeMs(photo: Photo): number {
  const bytes = readFileSync(photo.file);
  return median(
    Array.from({ length: MIN_ROUNDS }, () => {
      const started = performance.now();
      decodeHeifPrimary(bytes, DEFAULTS.maxInputPixels);
      return performance.now() - started;
    }),
  );
}

const began = Date.now();
installBaselines();
const dir = mkdtempSync(path.join(tmpdir(), 'imagegraph-bench-process-'));
let bundle: WorkerBundle | undefined;
const results: PhotoResult[] = [];
let phone: { jpeg: CoreOnlyResult; heic: CoreOnlyResult; decodeMs: number } | undefined;
try {
  const photos = await cameraPhotos(dir);
  bundle = await bundleWorker();
  const startup = await startupCommands(dir);
  for (const photo of photos) {
    process.stderr.write(`bench:process  ${photo.name}\n`);
    results.push(await measurePhoto(photo, bundle, dir, startup));
  }
  const jpeg = photos.find((photo) => photo.name === PHONE);
  if (!jpeg) throw new Error(`no ${PHONE} among the photos`);
  const heic = await heicOf(jpeg, dir);
  process.stderr.write(`bench:process  ${jpeg.name} and ${heic.name}, (a) only\n`);
  const [jpegResult, heicResult] = await measureCoreOnly([jpeg, heic], bundle);
  phone = { jpeg: jpegResult!, heic: heicResult!, decodeMs: heifDecodeMs(heic) };
} finally {
  bundle?.dispose();
  rmSync(dir, { recursive: true, force: true });
}

// Ratios per photo (medians of the same rounds), then their median over the photos.
const coreVsWorkshop = results.map((result) => result.a.median / result.b.median);
const coreVsWorkshopCli = results.map((result) => result.a.median / result.bCli.median);
const thumbsVsVips = results.map((result) => result.t.median / result.c.median);
const thumbsVsVipsCli = results.map((result) => result.t.median / result.cCli.median);
const thumbsShareOfCore = results.map((result) => result.t.median / result.a.median);
// The same ratios on CPU time: what the processes themselves used, whatever else the machine was doing.
const cpuCoreVsWorkshop = results.map((result) => result.cpu.a / result.cpu.b);
const cpuThumbsVsVips = results.map((result) => result.cpu.t / result.cpu.c);
const cpuLargestVsVips = results.map((result) => result.cpu.t1 / result.cpu.c1);
const largestVsVips = results.map((result) => result.t1.median / result.c1.median);
const largestSize = largestFitted(thumbnailSpecs(DEFAULTS.thumbnailSizes)).size;
const large = results.find((result) => result.photo.name === LARGEST);
const mix = results.filter((result) => result.photo.name !== LARGEST);
const perSecond = (list: PhotoResult[], pick: (result: PhotoResult) => number) => (1000 * list.length) / list.reduce((sum, result) => sum + pick(result), 0);
const sharpConcurrency = sharp.concurrency();

// Lambda: the mean per-photo median of (a) over the 8-16 MP photos, and the 24 MP photo alone; "as measured"
// assumes the function gets this machine's full core, "CPU share" divides the CPU time by its share.
const mixMs = mean(mix.map((result) => result.a.median));
const mixCpuMs = mean(mix.map((result) => result.cpu.a));
const costLines: string[] = [];
const costFigures: Record<string, number> = {};
const costTotals200M: number[] = [];
const scenarios = [
  { label: `8-16 MP (${mix.length} photos)`, key: 'mix', ms: mixMs, cpuMs: mixCpuMs },
  ...(large ? [{ label: '24 MP JPEG', key: '24mp', ms: large.a.median, cpuMs: large.cpu.a }] : []),
];
for (const scenario of scenarios) {
  for (const memoryMb of MEMORY_SIZES_MB) {
    const share = cpuShare(memoryMb);
    const scaledMs = Math.max(scenario.ms, scenario.cpuMs / share);
    const measured = usdPerMillion(scenario.ms, memoryMb);
    const scaled = usdPerMillion(scaledMs, memoryMb);
    costFigures[`lambdaUsdPerMillion_${scenario.key}_${memoryMb}MB`] = round(measured);
    costFigures[`lambdaUsdPerMillion_${scenario.key}_${memoryMb}MB_cpuShare`] = round(scaled);
    costTotals200M.push(measured * 200, scaled * 200);
    costLines.push(
      `  ${scenario.label.padEnd(24)} ${String(memoryMb).padStart(4)} MB  as measured ${fmt(scenario.ms).padStart(6)} ms: ${usd(measured).padStart(9)}/M, ` +
        `200M ${usd(measured * 200).padStart(11)}   |  CPU share ${share.toFixed(2)}: ${fmt(scaledMs).padStart(6)} ms: ${usd(scaled).padStart(9)}/M, 200M ${usd(scaled * 200).padStart(11)}`,
    );
  }
}

const mb = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(0));
const rows: (string | number)[][] = results.map((result) => [
  result.photo.name,
  `${result.photo.width}x${result.photo.height}`,
  result.rounds,
  result.batch,
  fmt(result.a.median),
  fmt(result.a.p95),
  mb(result.aRssMb),
  fmt(result.b.median),
  fmt(result.b.p95),
  fmt(result.bCli.median),
  mb(result.bRssMb),
  `${(result.b.median / result.a.median).toFixed(1)}x`,
  fmt(result.t.median),
  fmt(result.t.p95),
  fmt(result.c.median),
  fmt(result.c.p95),
  fmt(result.cCli.median),
  mb(result.cRssMb),
  (result.t.median / result.c.median).toFixed(2),
  fmt(result.t1.median),
  fmt(result.c1.median),
  (result.t1.median / result.c1.median).toFixed(2),
  `${(result.cpu.b / result.cpu.a).toFixed(1)}x`,
  (result.cpu.t / result.cpu.c).toFixed(2),
]);
rows.push([
  'images/s (all photos, one at a time)',
  '',
  '',
  '',
  perSecond(results, (result) => result.a.median).toFixed(1),
  '',
  '',
  perSecond(results, (result) => result.b.median).toFixed(1),
  '',
  perSecond(results, (result) => result.bCli.median).toFixed(1),
  '',
  `${(1 / median(coreVsWorkshop)).toFixed(1)}x`,
  perSecond(results, (result) => result.t.median).toFixed(1),
  '',
  perSecond(results, (result) => result.c.median).toFixed(1),
  '',
  perSecond(results, (result) => result.cCli.median).toFixed(1),
  '',
  median(thumbsVsVips).toFixed(2),
  perSecond(results, (result) => result.t1.median).toFixed(1),
  perSecond(results, (result) => result.c1.median).toFixed(1),
  median(largestVsVips).toFixed(2),
  `${(1 / median(cpuCoreVsWorkshop)).toFixed(1)}x`,
  median(cpuThumbsVsVips).toFixed(2),
]);

for (const result of phone ? [phone.jpeg, phone.heic] : []) {
  const filler = Array.from({ length: 17 }, () => '');
  rows.push([result.photo.name, `${result.photo.width}x${result.photo.height}`, MIN_ROUNDS, '', fmt(result.a.median), fmt(result.a.p95), mb(result.rssMb), ...filler]);
}

const startupMs = median(results.map((result) => result.startupMs));
const outputs = results[0]?.outputs ?? 0;
const notes = [
  'Columns: (a) analyzeImage, warm, in its own node process per photo; (b) identify -verbose + convert -thumbnail 80x80, two processes,',
  `  net of their start-up (the same two on an 8x8 JPEG, median ${fmt(median(results.map((result) => result.bStartupMs)))} ms, measured each round); "CLI" with it;`,
  `  (t) our thumbnail step alone: the core's own header read + decode + renderThumbnails, same ${outputs} outputs and same decode as (a);`,
  `  (c) vipsthumbnail making those ${outputs} outputs: one process per output (its CLI writes one), each over K links to the photo;`,
  `  "net" = (process time - ${outputs} x start-up) / K, start-up = an 8x8 JPEG run, median ${fmt(startupMs)} ms, measured each round;`,
  `  "CLI" = net + ${outputs} start-ups: one photo by shelling out to it. (t1)/(c1): only the ${largestSize} px WebP, one decode, one output each.`,
  '  Times: per-photo median and p95 (nearest rank: with these few rounds, about the slowest) in ms. RSS: peak MB of the measuring process;',
  `  (a): node + sharp + the bundled core, ${mb(large?.aIdleRssMb)} MB of it before any image; (b)/(c): the largest of their processes (GNU time${gnuTimeAvailable() ? '' : ': unavailable, omitted'}).`,
  '  Ratio goals: median over the photos of the per-photo ratio of medians (per-photo b/a and t/c are in the table).',
  `  Of (a), its thumbnail step (t) takes ${(100 * median(thumbsShareOfCore)).toFixed(0)}% (median t/a over photos).`,
  `Fairness: sharp uses ${sharpConcurrency} libvips thread(s) per image (its default on glibc) and vipsthumbnail ran with VIPS_CONCURRENCY=${sharpConcurrency};`,
  `  ImageMagick kept its defaults (${cpus().length} OpenMP threads here), as in the workshop's Lambda. Binaries by absolute path: ${IDENTIFY}, ${CONVERT}, ${VIPSTHUMBNAIL}.`,
  '  The thumbnail goal compares the whole step (same photo in, same outputs out, each tool its own best way: ours decodes once for all',
  `  outputs, vipsthumbnail shrinks on load per output) net of process start-up, as in a warm Lambda; with start-up (t/CLI) it is ${median(thumbsVsVipsCli).toFixed(2)},`,
  `  and one output alone (t1/c1, sharp + Node against the C tool, nothing shared) is ${median(largestVsVips).toFixed(2)}.`,
  '  CPU columns: the same ratios on user + system CPU time of the same runs (all threads; (b) and (c) net of start-up). Other work on this',
  '  shared machine disturbs them far less than wall time, and they take away an advantage of ours: (a) and (t) encode their outputs',
  "  concurrently (Promise.all on libuv's threads), so their wall time uses this machine's second core, which a Lambda below 1769 MB",
  `  does not have. Medians over photos: a/b ${median(cpuCoreVsWorkshop).toFixed(3)}, t/c ${median(cpuThumbsVsVips).toFixed(2)}, t1/c1 ${median(cpuLargestVsVips).toFixed(2)}.`,
  'Photos: stitched from five real 2560x1600 photos, whole tiles side by side, cropped to the camera\'s aspect and downscaled (never',
  '  upscaled), JPEG q90 (see bench/process/photos.ts). The 24 MP one is also the memory goal\'s.',
  `  With start-ups counted, (a)/(b) CLI is ${median(coreVsWorkshopCli).toFixed(3)} (median over photos).`,
  `  12MP rows: the 12 MP photo as JPEG q90 and as HEIC (heif-enc q50), (a) only, ${MIN_ROUNDS} interleaved rounds: HEIC/JPEG time`,
  `  ${phone ? (phone.heic.a.median / phone.jpeg.a.median).toFixed(2) : 'n/a'}x, CPU ${phone ? (phone.heic.cpuMs / phone.jpeg.cpuMs).toFixed(2) : 'n/a'}x; libheif (WebAssembly, one thread) decoding the full 12 MP HEIC alone: ${phone ? fmt(phone.decodeMs) : 'n/a'} ms median.`,
  '',
  `Lambda cost of (a) per million images, ${LAMBDA_PRICING.architecture} ${LAMBDA_PRICING.region}: $${LAMBDA_PRICING.usdPerGbSecond}/GB-s + $${LAMBDA_PRICING.usdPerMillionRequests}/M requests, billed per ms, no free tier;`,
  '  the core only: not S3, SQS, Rekognition, OpenSearch, AppSync, logs, nor the handler around the core.',
  ...costLines,
  `  ${WORKSHOP_ESTIMATE.images / 1e6}M images: the workshop's own estimate ${usd(WORKSHOP_ESTIMATE.usd)} (${usd(WORKSHOP_ESTIMATE.usd / (WORKSHOP_ESTIMATE.images / 1e6))}/M); ours above,` +
    ` ${usd(Math.min(...costTotals200M))} to ${usd(Math.max(...costTotals200M))} (core compute + requests only).`,
  `  Caveat: Lambda gives CPU in proportion to memory (one full vCPU at ${LAMBDA_PRICING.fullVcpuAtMb} MB: ${cpuShare(512).toFixed(2)} of one at 512 MB, ${cpuShare(1024).toFixed(2)} at 1024 MB),`,
  `  and its arm64 (Graviton) cores are not this machine's ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, shared and noisy. "As measured" assumes a full core of this`,
  '  CPU; "CPU share" divides the measured CPU time by the share. Neither is a measurement on Lambda; both are estimates.',
  `Whole benchmark: ${((Date.now() - began) / 1000).toFixed(0)} s; load average (1 min) at the end ${(loadavg()[0] ?? 0).toFixed(1)} on ${cpus().length} cores.`,
];

printReport(
  {
    benchmark: 'bench:process',
    figures: {
      photos: results.length,
      sharpConcurrency,
      vipsthumbnailStartupMs: round(startupMs),
      coreImagesPerSecond: round(perSecond(results, (result) => result.a.median)),
      workshopNetImagesPerSecond: round(perSecond(results, (result) => result.b.median)),
      workshopCliImagesPerSecond: round(perSecond(results, (result) => result.bCli.median)),
      workshopStartupMs: round(median(results.map((result) => result.bStartupMs))),
      ourThumbnailsImagesPerSecond: round(perSecond(results, (result) => result.t.median)),
      vipsthumbnailNetImagesPerSecond: round(perSecond(results, (result) => result.c.median)),
      vipsthumbnailCliImagesPerSecond: round(perSecond(results, (result) => result.cCli.median)),
      coreSpeedupOverWorkshopMedian: round(1 / median(coreVsWorkshop)),
      coreSpeedupOverWorkshopMin: round(1 / Math.max(...coreVsWorkshop)),
      coreOverWorkshopCliMedian: round(median(coreVsWorkshopCli)),
      thumbsOverVipsNetMedian: round(median(thumbsVsVips)),
      thumbsOverVipsCliMedian: round(median(thumbsVsVipsCli)),
      thumbsShareOfCoreMedian: round(median(thumbsShareOfCore)),
      largestOnlyOursOverVipsNetMedian: round(median(largestVsVips)),
      cpuCoreOverWorkshopMedian: round(median(cpuCoreVsWorkshop)),
      cpuThumbsOverVipsNetMedian: round(median(cpuThumbsVsVips)),
      cpuLargestOnlyOursOverVipsNetMedian: round(median(cpuLargestVsVips)),
      core24MpMedianMs: round(large?.a.median ?? 0),
      core24MpPeakRssMb: round(large?.aRssMb ?? 0),
      coreIdleRssMb: round(large?.aIdleRssMb ?? 0),
      workshop24MpPeakRssMb: round(large?.bRssMb ?? 0),
      core12MpHeicMedianMs: round(phone?.heic.a.median ?? 0),
      core12MpJpegMedianMs: round(phone?.jpeg.a.median ?? 0),
      core12MpHeicPeakRssMb: round(phone?.heic.rssMb ?? 0),
      core12MpJpegPeakRssMb: round(phone?.jpeg.rssMb ?? 0),
      heif12MpDecodeMs: round(phone?.decodeMs ?? 0),
      coreMixMeanMedianMs: round(mixMs),
      coreMixMeanCpuMs: round(mixCpuMs),
      ...costFigures,
      workshopEstimateUsdFor200M: WORKSHOP_ESTIMATE.usd,
      benchmarkSeconds: round((Date.now() - began) / 1000),
      loadAverage1m: round(loadavg()[0] ?? 0),
    },
    goals: [
      { name: '(a) core / (b) workshop ImageMagick net of start-up, per-photo median ms (<= 0.125: at least 8x faster)', value: median(coreVsWorkshop), max: 0.125 },
      { name: '(a) core / (b) workshop ImageMagick net of start-up, per-photo median CPU ms', value: median(cpuCoreVsWorkshop), max: 0.125 },
      { name: 'our thumbnail step / (c) vipsthumbnail net of start-up, per-photo median ms', value: median(thumbsVsVips), max: 1.3 },
      { name: 'our thumbnail step / (c) vipsthumbnail net of start-up, per-photo median CPU ms', value: median(cpuThumbsVsVips), max: 1.3 },
      { name: '(a) peak RSS on the 24 MP JPEG, MB', value: large?.aRssMb ?? Infinity, max: 350 },
    ],
  },
  rows,
  ['photo', 'size', 'rounds', 'K', '(a) med', 'p95', 'RSS', '(b) net', 'p95', 'CLI', 'RSS', 'b/a', '(t) med', 'p95', '(c) net', 'p95', 'CLI', 'RSS', 't/c', `(t1) ${largestSize}`, `(c1) ${largestSize}`, 't1/c1', 'CPU b/a', 'CPU t/c'],
  notes,
);
