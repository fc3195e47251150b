/**
 * `npm run bench:abuse`: what one user's search feels like while another user attacks the API.
 * `npm start` runs in its own process (lite vision); a victim with VICTIM_IMAGES processed photos
 * runs the web app's own SearchImages operation (24 items with thumbnails, facets) one at a time:
 *   - unloaded: SAMPLES searches with nothing else running (the same-run baseline);
 *   - under attack: the same searches while an attacker keeps ATTACKERS requests in flight, cycling
 *     through issue 12's attack mix: 200 KB search texts, 5,000-alias bombs (refused at parse),
 *     1,500-alias bombs (1,000 resolver runs, then the resolver count limit), 100,000-deep nesting,
 *     and floods of subscription starts (including filter-skipping shapes) on open sockets.
 * Goal (issue 12): the victim's p95 under attack is at most 3x its unloaded p95.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { SearchImagesDocument } from '../client/src/generated/graphql.ts';
import { aliasBomb, deepQuery, LONG_SEARCH_TEXT, openRealtime, postGraphQL, SEARCH, SUBSCRIPTION_ATTACKS } from '../local/e2e/attacks.ts';
import { startCloudProcess } from '../local/e2e/cloud-process.ts';
import { generatedJpegs, subscribeToEvents, upload } from '../local/e2e/uploads.ts';
import { signUpUser } from '../local/e2e/users.ts';
import { median, percentile } from './process/stats.ts';
import { printReport, round } from './report.ts';

const VICTIM_IMAGES = 30;
const WARMUP = 20;
const SAMPLES = 200;
const ATTACKERS = 4;
const GOAL_RATIO = 3;

const dataDir = mkdtempSync(join(tmpdir(), 'imagegraph-bench-abuse-'));
const cloud = await startCloudProcess(dataDir, ['--vision', 'lite']);
try {
  const [victim, attacker] = await Promise.all([signUpUser(cloud.config, dataDir, 'victim'), signUpUser(cloud.config, dataDir, 'attacker')]);

  // The victim's library: real processed images, so searches return items, thumbnails and facets.
  const processed = new Set<string>();
  const subscription = await subscribeToEvents(victim, (event) => {
    if (event.status === 'PROCESSED') processed.add(event.imageId);
  });
  const photos = await generatedJpegs(VICTIM_IMAGES, 640, 480);
  for (const [i, bytes] of photos.entries()) {
    const sent = await upload(victim, { name: `photo-${i}.jpg`, type: 'image/jpeg', bytes });
    if (sent.status !== 204) throw new Error(`upload ${i} refused: HTTP ${sent.status} ${sent.body}`);
  }
  const deadline = Date.now() + 120_000;
  while (processed.size < VICTIM_IMAGES) {
    if (Date.now() > deadline) throw new Error(`only ${processed.size} of ${VICTIM_IMAGES} photos were processed`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  subscription.unsubscribe();

  const victimSearch = { query: print(SearchImagesDocument), variables: { first: 24 } };
  const searchOnce = async (): Promise<number> => {
    const started = performance.now();
    const reply = await postGraphQL(cloud.config, await victim.session.idToken(), victimSearch);
    const elapsed = performance.now() - started;
    if (reply.body.errors) throw new Error(`the victim's search failed: ${JSON.stringify(reply.body.errors)}`);
    return elapsed;
  };
  const searches = async (count: number): Promise<number[]> => {
    const samples: number[] = [];
    for (let i = 0; i < count; i++) samples.push(await searchOnce());
    return samples;
  };

  for (let i = 0; i < WARMUP; i++) await searchOnce();
  const unloaded = await searches(SAMPLES);

  // The attack mix, each step one request (or one socket's flood) an attacker keeps sending.
  const attackerToken = await attacker.session.idToken();
  const attackCounts: Record<string, number> = { 'long search text': 0, 'alias bomb': 0, 'costly alias bomb': 0, 'deep nesting': 0, 'subscription flood': 0 };
  const attacks: [string, () => Promise<unknown>][] = [
    ['long search text', () => postGraphQL(cloud.config, attackerToken, { query: SEARCH, variables: { q: LONG_SEARCH_TEXT } })],
    // Refused at parse (over 15,000 tokens).
    ['alias bomb', () => postGraphQL(cloud.config, attackerToken, { query: aliasBomb(5_000) })],
    // Parses, then runs 1,000 resolvers (each a search-engine call) before the resolver count limit:
    // the costliest request a user can send, which the fair share must keep from starving others.
    ['costly alias bomb', () => postGraphQL(cloud.config, attackerToken, { query: aliasBomb(1_500) })],
    ['deep nesting', () => postGraphQL(cloud.config, attackerToken, { query: deepQuery(100_000) })],
    [
      'subscription flood',
      async () => {
        const session = await openRealtime(cloud.config, attackerToken);
        const shapes = Object.values(SUBSCRIPTION_ATTACKS);
        for (let i = 0; i < 200; i++) {
          const shape = shapes[i % shapes.length]!;
          session.start(`flood-${i}`, shape.query, shape.variables);
        }
        await session.next((message) => message.id === 'flood-199' || message.type === 'connection_error', 30_000).catch(() => undefined);
        session.close();
      },
    ],
  ];
  let attacking = true;
  const attackers = Array.from({ length: ATTACKERS }, async (_, worker) => {
    for (let step = worker; attacking; step++) {
      const [name, attack] = attacks[step % attacks.length]!;
      await attack().catch(() => undefined);
      attackCounts[name] = (attackCounts[name] ?? 0) + 1;
    }
  });
  // Let the attack reach full pressure before measuring.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const underAttack = await searches(SAMPLES);
  attacking = false;
  await Promise.all(attackers);

  const unloadedP95 = percentile(unloaded, 95);
  const attackP95 = percentile(underAttack, 95);
  const ratio = attackP95 / unloadedP95;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  printReport(
    {
      benchmark: 'bench:abuse',
      figures: {
        samples: SAMPLES,
        victimImages: VICTIM_IMAGES,
        attackersInFlight: ATTACKERS,
        unloadedP50Ms: round(median(unloaded)),
        unloadedP95Ms: round(unloadedP95),
        attackP50Ms: round(median(underAttack)),
        attackP95Ms: round(attackP95),
        ...Object.fromEntries(Object.entries(attackCounts).map(([name, count]) => [`attacks: ${name}`, count])),
      },
      goals: [{ name: "victim's searchImages p95 under attack / unloaded", value: ratio, max: GOAL_RATIO }],
    },
    [
      ['unloaded', SAMPLES, ms(median(unloaded)), ms(unloadedP95), ms(percentile(unloaded, 99))],
      ['under attack', SAMPLES, ms(median(underAttack)), ms(attackP95), ms(percentile(underAttack, 99))],
    ],
    ["victim's searchImages", 'samples', 'p50', 'p95', 'p99'],
    [`Attacks sent while measuring: ${Object.entries(attackCounts).map(([name, count]) => `${name} ${count}`).join(', ')} (${ATTACKERS} in flight).`],
  );
  victim.client.stop();
  attacker.client.stop();
} finally {
  await cloud.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
