import type { OnImageProcessedSubscription, SearchImagesQuery } from '../../src/generated/graphql.ts';

type Image = SearchImagesQuery['searchImages']['items'][number];
export type ImageEvent = NonNullable<OnImageProcessedSubscription['onImageProcessed']>;

/**
 * Text made safe to print on a terminal: control and format characters other than newline and tab
 * (escape sequences, carriage returns, bidi overrides) become U+FFFD. Image-derived strings (EXIF's
 * camera make and model, detected text) and local file names can carry them, and a terminal would
 * obey them: retitle the window, rewrite the clipboard (OSC 52), hide or fake lines.
 */
export function terminalSafe(text: string): string {
  return text.replace(/(?![\n\t])[\p{Cc}\p{Cf}]/gu, '\uFFFD');
}

/** One search result on one line: id, status, name, date, top labels. */
export function imageLine(image: Image): string {
  const labels = image.labels
    .slice(0, 5)
    .map((label) => `${label.name} ${Math.round(label.confidence)}%`)
    .join(', ');
  const date = (image.takenAt ?? image.uploadedAt).slice(0, 10);
  const failure = image.failureReason ? ` (${image.failureReason})` : '';
  return `${image.id}  ${image.status.padEnd(10)} ${date}  ${image.fileName}${failure}${labels ? `  [${labels}]` : ''}`;
}

export function eventLine(event: ImageEvent, at = new Date()): string {
  const detail =
    event.status === 'FAILED'
      ? `: ${event.reason ?? 'no reason given'}`
      : event.image
        ? `: ${event.image.fileName}${event.image.labels.length ? ` [${event.image.labels.slice(0, 5).map((l) => l.name).join(', ')}]` : ''}`
        : '';
  return `${at.toISOString()}  ${event.status.padEnd(10)} ${event.imageId}${detail}`;
}
