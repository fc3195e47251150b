/**
 * `imagegraph duplicates`: the caller's copies grouped under the image they are copies of, with
 * the bytes deleting the copies would free. Pure: the command fetches, this groups and prints.
 */
import type { DuplicateFieldsFragment } from '../../src/generated/graphql.ts';

export type ListedImage = DuplicateFieldsFragment;

export interface DuplicateGroup {
  original: ListedImage;
  /** Oldest first; `identical` for the same bytes, `near` for a near-duplicate. */
  copies: { image: ListedImage; kind: 'identical' | 'near' }[];
  /** The copies' bytes. */
  freeableBytes: number;
}

const copyOf = (image: ListedImage): string | null => image.duplicateOf ?? image.nearDuplicateOf ?? null;

/**
 * Groups copies under their original: a copy of a copy joins the group of the first image up the
 * chain that is not itself a copy, or, when an original is gone (deleted), of the last one found.
 */
export function duplicateGroups(images: readonly ListedImage[]): DuplicateGroup[] {
  const byId = new Map(images.map((image) => [image.id, image]));
  const rootOf = (image: ListedImage): ListedImage => {
    let current = image;
    const seen = new Set<string>();
    for (let next = copyOf(current); next && !seen.has(next); next = copyOf(current)) {
      seen.add(current.id);
      const parent = byId.get(next);
      if (!parent) break;
      current = parent;
    }
    return current;
  };
  const groups = new Map<string, DuplicateGroup>();
  for (const image of [...images].sort((a, b) => a.uploadedAt.localeCompare(b.uploadedAt) || a.id.localeCompare(b.id))) {
    const root = rootOf(image);
    if (root.id === image.id) continue;
    const group = groups.get(root.id) ?? { original: root, copies: [], freeableBytes: 0 };
    group.copies.push({ image, kind: image.duplicateOf ? 'identical' : 'near' });
    group.freeableBytes += image.bytes ?? 0;
    groups.set(root.id, group);
  }
  return [...groups.values()];
}

/** The ids the copies point at that are not among them: originals to fetch. */
export function missingOriginals(copies: readonly ListedImage[]): string[] {
  const listed = new Set(copies.map((image) => image.id));
  return [...new Set(copies.map(copyOf).filter((id): id is string => id !== null && !listed.has(id)))];
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Each group as an original and its indented copies, then the total. */
export function groupLines(groups: readonly DuplicateGroup[]): string[] {
  const line = (image: ListedImage) => `${image.fileName}  ${formatBytes(image.bytes ?? 0)}  ${image.id}`;
  const copies = groups.reduce((n, group) => n + group.copies.length, 0);
  const freeable = groups.reduce((n, group) => n + group.freeableBytes, 0);
  return [
    ...groups.flatMap((group) => [
      line(group.original),
      ...group.copies.map(({ image, kind }) => `  ${kind === 'identical' ? '= same file ' : '~ looks same'}  ${line(image)}`),
    ]),
    `${groups.length} ${groups.length === 1 ? 'group' : 'groups'}, ${copies} ${copies === 1 ? 'copy' : 'copies'}: deleting the copies would free ${formatBytes(freeable)}`,
  ];
}
