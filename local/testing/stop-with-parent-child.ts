/**
 * A stand-in for a service's main.ts, for child-service.test.ts: registers with stopWithParent,
 * holds DATA_DIR (argv[5], if given) with holdDataDirectory, says "starting", then "starts" for
 * START_MS (argv[2]) and says "started". Its stop says "stopping", takes STOP_MS (argv[4], 0 by
 * default), says "stopped" and exits 0. Left alone it exits by itself with code 7 after
 * LIFETIME_MS (argv[3]).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { holdDataDirectory, stopWithParent } from '../child-service.ts';

// The test's messages name it so.
const STAND_IN_HOLD = { name: 'stand-in-lock', process: 'stand-in service', directory: 'stand-in data directory' };

const [startMs = '0', lifetimeMs = '10000', stopMs = '0', dataDir] = process.argv.slice(2);
const whenParentGone = stopWithParent();
if (dataDir !== undefined) await holdDataDirectory(dataDir, STAND_IN_HOLD);
console.log('starting');
await sleep(Number(startMs));
console.log('started');
whenParentGone(() => {
  console.log('stopping');
  setTimeout(() => {
    console.log('stopped');
    process.exit(0);
  }, Number(stopMs));
});
setTimeout(() => process.exit(7), Number(lifetimeMs));
