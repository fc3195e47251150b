/**
 * The corrections the plain s3rver of tests (s3rver-process.ts) gets to its file system store:
 * keys stay paths, as s3rver stores them; only its failures are fixed.
 */
import { applyObjectDeletes, type FilesystemStore } from '../../../local/s3/store-layout.ts';
import { applyAtomicWrites, type WritingStore } from '../../../local/s3/store-writes.ts';

export function correctPlainStore(store: FilesystemStore & WritingStore): void {
  // Its delete clean-up could fail a DELETE while another request wrote or deleted beside the key;
  // the directories are s3rver's own split of the key.
  applyObjectDeletes(store, (key) => key.split('/').slice(0, -1));
  // s3rver answered a PUT before its bytes were written (a GET right after could read an empty
  // body), and its writes were not atomic. Applied last: it locks the key around the delete above.
  applyAtomicWrites(store);
}
