import { ulid } from 'ulid';

/**
 * Image ids are ULIDs: unique without coordination, and sorted by creation time, so an owner's
 * uploads list in upload order. Their exact shape is imageIdProblem in resolvers/lib/inputLimits.ts,
 * which every input holding an image id is checked against.
 */
export function newImageId(): string {
  return ulid();
}
