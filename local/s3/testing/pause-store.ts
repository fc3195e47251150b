/**
 * Preloaded (`--import`) into a store child (store-process.ts) by crash.test.ts: pauses the write
 * or delete of one key at a step, tells the parent `{ type: 'paused' }`, and goes on only when
 * told, so the parent can `kill -9` the store in exactly that state. `IMAGEGRAPH_PAUSE_STORE` is
 * `<step> <key>`: for a write, `before-commit` (its files written, its bytes not yet renamed into
 * place) or `after-renames` (its three files renamed into place); for a delete, `before-remove`
 * (none of its files removed yet), `after-bytes-removed` (its bytes removed, its ETag and metadata
 * not yet) or `after-remove` (its three files removed). Sent SIGUSR2, the
 * change goes on (store-lock.test.ts: an old store finishing a write). The store renames and
 * unlinks through `node:fs/promises`, whose named exports follow the module object once synced.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

export const PAUSE_STEPS = ['before-commit', 'after-renames', 'before-remove', 'after-bytes-removed', 'after-remove'] as const;
export type PauseStep = (typeof PAUSE_STEPS)[number];
const [step, key] = (process.env.IMAGEGRAPH_PAUSE_STORE ?? '').split(' ');
if (!PAUSE_STEPS.includes(step as PauseStep) || !key) throw new Error(`IMAGEGRAPH_PAUSE_STORE: <${PAUSE_STEPS.join('|')}> <key>`);
const { rename, unlink } = fs.promises;
/** Resolves on SIGUSR2: a signal, as the parent may have disconnected (the front died). */
const pause = () => {
  process.send?.({ type: 'paused' });
  return new Promise<void>((resolve) => process.once('SIGUSR2', () => resolve()));
};
// A delete removes the bytes, the ETag and the metadata, in that order (store-layout.ts).
fs.promises.unlink = async (path) => {
  const target = String(path);
  if (step === 'before-remove' && target.endsWith(`/${key}._S3rver_object`)) await pause();
  await unlink(path);
  if (step === 'after-bytes-removed' && target.endsWith(`/${key}._S3rver_object`)) await pause();
  if (step === 'after-remove' && target.endsWith(`/${key}._S3rver_metadata.json`)) await pause();
};
let renamedAfterBytes = 0;
fs.promises.rename = async (from, to) => {
  const target = String(to);
  if (step === 'before-commit' && target.endsWith(`/${key}._S3rver_object`)) await pause();
  await rename(from, to);
  // The ETag and the metadata are renamed side by side after the bytes: pause once both are.
  if (step === 'after-renames' && [`/${key}._S3rver_object.md5`, `/${key}._S3rver_metadata.json`].some((end) => target.endsWith(end))) {
    renamedAfterBytes += 1;
    if (renamedAfterBytes === 2) return pause();
  }
};
syncBuiltinESMExports();
