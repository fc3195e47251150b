/**
 * A stand-in for a service's main.ts, for child-service.test.ts: registers with stopWithParent and
 * says "starting", then "starts" for START_MS (argv[2]), says "started", and on stop says "stopped" and exits 0. Left
 * alone it exits by itself with code 7 after LIFETIME_MS (argv[3]).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { stopWithParent } from '../child-service.ts';

const [startMs = '0', lifetimeMs = '10000'] = process.argv.slice(2);
const whenParentGone = stopWithParent();
console.log('starting');
await sleep(Number(startMs));
console.log('started');
whenParentGone(() => {
  console.log('stopped');
  process.exit(0);
});
setTimeout(() => process.exit(7), Number(lifetimeMs));
