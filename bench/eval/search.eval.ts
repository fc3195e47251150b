/**
 * `npm run eval:search [-- --outputs FILE --email E --password P] [--fixtures DIR] [--json]`: how
 * well search finds what people look for, measured on the judged set (judged/). It uploads every
 * photo through the API as a user, waits for processing, then reports per query precision@5,
 * recall@10 and nDCG@10, and over the set label precision/recall, face precision/recall,
 * text-word recall, text noise (words detected on photos without text) and file-name-only results
 * ranked above content. The last line is JSON.
 *
 * Without --outputs it runs `npm start` (local vision) on a fresh data directory and signs up a
 * user; with --outputs (a deployed stack's cdk-outputs.json, or a running local cloud's) it signs
 * in as an existing user and deletes its uploads at the end. Same set, same measures: the way to
 * compare local vision with Rekognition.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApolloClient } from '@apollo/client';
import { Command } from 'commander';
import pLimit from 'p-limit';
import { createImageGraphClient } from '../../client/src/api/apollo.ts';
import { clientConfigFromOutputs } from '../../client/src/api/config.ts';
import { CognitoSession, memoryTokenStore } from '../../client/src/api/session.ts';
import { DeleteImageDocument, ImageDocument, ImageStatsDocument, SearchImagesDocument } from '../../client/src/generated/graphql.ts';
import { type CloudProcess, startCloudProcess } from '../../local/e2e/cloud-process.ts';
import { upload } from '../../local/e2e/uploads.ts';
import { type TestUser, signUpUser } from '../../local/e2e/users.ts';
import { explain } from './explanation.ts';
import { DEFAULT_SHARED_FIXTURES, type JudgedPhoto, type QueryKind, isTextFree, loadJudgedSet, photoPath } from './judged-set.ts';
import { faceScore, fileNameAboveContent, mean, ndcgAt, partRecallAt, precisionAt, recallAt, setScore, textNoise } from './metrics.ts';

const options = new Command('npm run eval:search --')
  .description('Upload the judged photos, run the judged queries, report search quality.')
  .option('--outputs <file>', 'a deployed (or running) stack: sign in there instead of starting npm start')
  .option('--email <email>', 'with --outputs: an existing user (or IMAGEGRAPH_EVAL_EMAIL)', process.env.IMAGEGRAPH_EVAL_EMAIL)
  .option('--password <password>', 'with --outputs: the password (or IMAGEGRAPH_EVAL_PASSWORD)', process.env.IMAGEGRAPH_EVAL_PASSWORD)
  .option('--fixtures <dir>', 'the shared fixture photos', DEFAULT_SHARED_FIXTURES)
  .parse()
  .opts<{ outputs?: string; email?: string; password?: string; fixtures: string }>();

const PROCESSING_TIMEOUT_MS = 10 * 60_000;
const log = (line: string) => process.stderr.write(`${line}\n`);
const set = loadJudgedSet();
const files = set.photos.map((photo) => ({ photo, path: photoPath(photo, options.fixtures) }));

let cloud: CloudProcess | undefined;
let user: Pick<TestUser, 'client'>;
if (options.outputs) {
  if (!options.email || !options.password) throw new Error('--outputs needs --email and --password (or IMAGEGRAPH_EVAL_EMAIL / IMAGEGRAPH_EVAL_PASSWORD) of an existing user');
  const config = clientConfigFromOutputs(JSON.parse(await readFile(options.outputs, 'utf8')));
  const session = new CognitoSession({ config, store: memoryTokenStore() });
  await session.signIn(options.email, options.password);
  user = { client: createImageGraphClient({ config, jwtToken: () => session.idToken() }) };
} else {
  log('Starting the local cloud (npm start, vision models)...');
  cloud = await startCloudProcess(await mkdtemp(join(tmpdir(), 'imagegraph-eval-')));
  user = await signUpUser(cloud.config, cloud.dataDir, 'eval');
}
const client: ApolloClient = user.client;
const started = performance.now();
const ids: string[] = [];
try {
  log(`Uploading ${files.length} judged photos...`);
  const limit = pLimit(4);
  await Promise.all(
    files.map(({ photo, path }) =>
      limit(async () => {
        const bytes = await readFile(path);
        const type = /\.png$/i.test(path) ? 'image/png' : 'image/jpeg';
        const sent = await upload(user as TestUser, { name: photo.upload, type, bytes });
        if (sent.status >= 300) throw new Error(`upload of ${photo.upload} refused: ${sent.status} ${sent.body}`);
        ids.push(sent.ticket.imageId);
      }),
    ),
  );
  await waitForProcessing(files.length);
  log(`Processed in ${((performance.now() - started) / 1000).toFixed(0)} s. Reading what was found...`);
  const found = new Map<string, { labels: string[]; detectedText: string[]; camera: string | null; faces: number }>();
  for (const id of ids) {
    const { data } = await client.query({ query: ImageDocument, variables: { id }, fetchPolicy: 'network-only' });
    const image = data?.image;
    if (!image) throw new Error(`image ${id} is missing`);
    const camera = image.camera ? [image.camera.make, image.camera.model].filter(Boolean).join(' ') : null;
    found.set(image.fileName, { labels: image.labels.map((l) => l.name), detectedText: image.detectedText, camera, faces: image.faces?.count ?? 0 });
  }
  const of = (photo: JudgedPhoto) => found.get(photo.upload) ?? { labels: [], detectedText: [], camera: null, faces: 0 };

  const search = async (query: string) => {
    const { data } = await client.query({ query: SearchImagesDocument, variables: { query, first: 10 }, fetchPolicy: 'network-only' });
    return (data?.searchImages.items ?? []).map((item) => item.fileName);
  };
  const explained = (query: string, ranking: string[]) => ranking.map((name) => ({ name, explanation: explain(query, { ...found.get(name)!, labels: found.get(name)?.labels ?? [] }) }));

  log('Running the judged queries...');
  const queries: { query: string; kind: QueryKind; relevant: string[]; ranking: string[]; precisionAt5: number; recallAt10: number; ndcgAt10: number; missed: string[]; fileNameAboveContent: string[] }[] = [];
  for (const judged of set.queries) {
    const ranking = await search(judged.query);
    const relevant = new Set(judged.relevant);
    queries.push({
      query: judged.query,
      kind: judged.kind,
      relevant: judged.relevant,
      ranking,
      precisionAt5: precisionAt(5, ranking, relevant),
      recallAt10: recallAt(10, ranking, relevant),
      ndcgAt10: ndcgAt(10, ranking, relevant),
      missed: judged.relevant.filter((name) => !ranking.includes(name)),
      fileNameAboveContent: fileNameAboveContent(explained(judged.query, ranking)),
    });
  }

  const labelScore = (photos: JudgedPhoto[]) => setScore(photos.map((photo) => ({ name: photo.upload, found: of(photo).labels, right: photo.labels, expected: photo.labels })));
  const faceScoreOf = (photos: JudgedPhoto[]) => faceScore(photos.map((photo) => ({ name: photo.upload, faceFound: of(photo).faces > 0, people: photo.people, faceVisible: photo.faces })));
  const labels = labelScore(set.photos);
  const faces = faceScoreOf(set.photos);
  // Every word of 4+ letters printed large: found when its photo is among the first 10 results for it, by content.
  const words = set.photos.flatMap((photo) => [...new Set(photo.words.filter((word) => /^\p{L}{4,}$/u.test(word)).map((w) => w.toLowerCase()))].map((word) => ({ photo, word })));
  const wordResults: { photo: JudgedPhoto; word: string; hit: boolean }[] = [];
  for (const { photo, word } of words) {
    const ranking = await search(word);
    wordResults.push({ photo, word, hit: ranking.includes(photo.upload) && explain(word, of(photo)) === 'content' });
  }
  const wordHits = wordResults.filter((w) => w.hit).map((w) => `${w.photo.upload}: ${w.word}`);
  const wordMisses = wordResults.filter((w) => !w.hit).map((w) => `${w.photo.upload}: ${w.word}`);
  // Words indexed for photos with no text at all (judged-set.ts: isTextFree) are noise a search can find.
  const textNoiseOf = (photos: JudgedPhoto[]) => textNoise(photos.filter(isTextFree).map((photo) => ({ name: photo.upload, detectedText: of(photo).detectedText })));
  const noise = textNoiseOf(set.photos);
  const noiseFigures = ({ photos, wordsPerPhoto, shareWithWords }: ReturnType<typeof textNoise>) => ({ photos, wordsPerPhoto, shareWithWords });

  const goalKinds: QueryKind[] = ['object', 'stem', 'synonym'];
  const byKind = (kinds: QueryKind[]) => queries.filter((q) => kinds.includes(q.kind));
  // The goals' measures on one part of the set: calibration photos, or those held out of it.
  const part = (photos: JudgedPhoto[]) => {
    const names = new Set(photos.map((photo) => photo.upload));
    const partWords = wordResults.filter((w) => names.has(w.photo.upload));
    return {
      photos: photos.length,
      recallAt10ObjectStemSynonym: mean(byKind(goalKinds).flatMap((q) => partRecallAt(10, q.ranking, q.relevant, names) ?? [])),
      labelPrecision: labelScore(photos).precision,
      facePrecision: faceScoreOf(photos).precision,
      textWordRecall: partWords.length === 0 ? 1 : partWords.filter((w) => w.hit).length / partWords.length,
      textNoise: noiseFigures(textNoiseOf(photos)),
    };
  };
  const summary = {
    vision: options.outputs ? `stack at ${options.outputs}` : 'local (npm start)',
    photos: set.photos.length,
    queries: queries.length,
    meanPrecisionAt5: mean(queries.map((q) => q.precisionAt5)),
    meanRecallAt10: mean(queries.map((q) => q.recallAt10)),
    meanNdcgAt10: mean(queries.map((q) => q.ndcgAt10)),
    recallAt10ByKind: Object.fromEntries((['object', 'stem', 'synonym', 'text', 'scene'] as QueryKind[]).map((kind) => [kind, mean(byKind([kind]).map((q) => q.recallAt10))])),
    recallAt10ObjectStemSynonym: mean(byKind(goalKinds).map((q) => q.recallAt10)),
    labelPrecision: labels.precision,
    labelRecall: labels.recall,
    facePrecision: faces.precision,
    faceRecall: faces.recall,
    textWordRecall: words.length === 0 ? 1 : wordHits.length / words.length,
    textNoise: noiseFigures(noise),
    fileNameAboveContent: queries.reduce((n, q) => n + q.fileNameAboveContent.length, 0),
    calibration: part(set.photos.filter((photo) => !photo.heldOut)),
    heldOut: part(set.photos.filter((photo) => photo.heldOut)),
    seconds: Math.round((performance.now() - started) / 1000),
  };

  const pct = (x: number) => x.toFixed(2);
  console.log(`\nSearch quality on ${summary.photos} judged photos, ${summary.queries} queries (${summary.vision})\n`);
  console.log(`${'query'.padEnd(22)} ${'kind'.padEnd(8)} P@5   R@10  nDCG@10  missed`);
  for (const q of queries) console.log(`${q.query.padEnd(22)} ${q.kind.padEnd(8)} ${pct(q.precisionAt5)}  ${pct(q.recallAt10)}  ${pct(q.ndcgAt10)}     ${q.missed.join(', ')}`);
  console.log(`\nmean P@5 ${pct(summary.meanPrecisionAt5)}, R@10 ${pct(summary.meanRecallAt10)}, nDCG@10 ${pct(summary.meanNdcgAt10)}`);
  console.log(`R@10 by kind: ${Object.entries(summary.recallAt10ByKind).map(([k, v]) => `${k} ${pct(v)}`).join(', ')}; object+stem+synonym ${pct(summary.recallAt10ObjectStemSynonym)}`);
  console.log(`labels: precision ${pct(labels.precision)}, recall ${pct(labels.recall)} (of every right label listed)`);
  console.log(`  wrong: ${labels.wrong.join('; ') || 'none'}`);
  console.log(`faces: precision ${pct(faces.precision)}, recall ${pct(faces.recall)}; wrong: ${faces.wrong.join(', ') || 'none'}; missed: ${faces.missed.join(', ') || 'none'}`);
  console.log(`text words (4+ letters, printed large): recall ${pct(summary.textWordRecall)} (${wordHits.length}/${words.length}); missed: ${wordMisses.join(', ') || 'none'}`);
  console.log(`text noise (words detected on ${noise.photos} photos without text): ${pct(noise.wordsPerPhoto)} per photo, on ${pct(noise.shareWithWords)} of them; ${noise.words.join(', ') || 'none'}`);
  const violations = queries.flatMap((q) => q.fileNameAboveContent.map((v) => `${q.query}: ${v}`));
  for (const [name, figures] of [['calibration', summary.calibration], ['held out', summary.heldOut]] as const) {
    console.log(`${name} (${figures.photos} photos): R@10 object+stem+synonym ${pct(figures.recallAt10ObjectStemSynonym)}, label precision ${pct(figures.labelPrecision)}, face precision ${pct(figures.facePrecision)}, text words ${pct(figures.textWordRecall)}, text noise ${pct(figures.textNoise.wordsPerPhoto)} per photo (on ${pct(figures.textNoise.shareWithWords)} of ${figures.textNoise.photos})`);
  }
  console.log(`file-name-only results above content results: ${violations.length}${violations.length ? ` (${violations.join('; ')})` : ''}`);
  console.log(JSON.stringify({ ...summary, perQuery: queries.map(({ query, kind, precisionAt5, recallAt10, ndcgAt10 }) => ({ query, kind, precisionAt5, recallAt10, ndcgAt10 })) }));
} finally {
  if (cloud) {
    await cloud.stop();
    await rm(cloud.dataDir, { recursive: true, force: true });
  } else {
    for (const id of ids) await client.mutate({ mutation: DeleteImageDocument, variables: { id } }).catch((error: unknown) => log(`could not delete ${id}: ${String(error)}`));
  }
  client.stop();
}

async function waitForProcessing(expected: number): Promise<void> {
  const deadline = Date.now() + PROCESSING_TIMEOUT_MS;
  for (;;) {
    const { data } = await client.query({ query: ImageStatsDocument, fetchPolicy: 'network-only' });
    const stats = data?.imageStats;
    if (stats && stats.processing === 0 && stats.processed + stats.failed >= expected) {
      if (stats.failed > 0) log(`${stats.failed} photos failed processing`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`processing did not finish within ${PROCESSING_TIMEOUT_MS / 60_000} minutes: ${JSON.stringify(stats)}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
