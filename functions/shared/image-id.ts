import { ulid } from 'ulid';

/**
 * Image ids are ULIDs: unique without coordination, and sorted by creation time, so an owner's
 * uploads list in upload order.
 */
export function newImageId(): string {
  return ulid();
}

// Canonical form only, as newImageId issues them: 26 upper-case Crockford base32 characters, the
// first at most 7 (48-bit time). Anything else is not an id of ours, and cannot widen a key prefix.
const IMAGE_ID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export function isImageId(value: string): boolean {
  return IMAGE_ID.test(value);
}
