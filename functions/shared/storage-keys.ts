/**
 * The bucket's key layout, in one place. Ownership is encoded in every key: the owner's Cognito
 * `sub` is the second segment, so a prefix check is an ownership check.
 *
 *   uploads/{ownerSub}/{imageId}/{fileName}   originals, written by presigned POST
 *   thumbnails/{ownerSub}/{imageId}/{name}     derived by the processing function
 *   meta/{ownerSub}/{imageId}.json             metadata sidecar, source of truth for the index
 */
export const PREFIX = {
  uploads: 'uploads/',
  thumbnails: 'thumbnails/',
  meta: 'meta/',
} as const;

export function uploadPrefix(ownerSub: string, imageId: string): string {
  return `${PREFIX.uploads}${ownerSub}/${imageId}/`;
}

export function uploadKey(ownerSub: string, imageId: string, fileName: string): string {
  return `${uploadPrefix(ownerSub, imageId)}${fileName}`;
}

export function thumbnailPrefix(ownerSub: string, imageId: string): string {
  return `${PREFIX.thumbnails}${ownerSub}/${imageId}/`;
}

export function metaKey(ownerSub: string, imageId: string): string {
  return `${PREFIX.meta}${ownerSub}/${imageId}.json`;
}

/** The owner and image of any key in the layout, or null for keys outside it. */
export function parseKey(key: string): { area: keyof typeof PREFIX; ownerSub: string; imageId: string } | null {
  const [area, ownerSub, ...restSegments] = key.split('/');
  const rest = restSegments.join('/');
  if (!ownerSub || !rest) return null;
  if (area === 'uploads' || area === 'thumbnails') {
    const imageId = rest.split('/')[0];
    return imageId && rest.length > imageId.length + 1 ? { area, ownerSub, imageId } : null;
  }
  if (area === 'meta' && rest.endsWith('.json') && !rest.includes('/')) {
    return { area, ownerSub, imageId: rest.slice(0, -'.json'.length) };
  }
  return null;
}
