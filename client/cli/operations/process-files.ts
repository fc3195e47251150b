import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ImageDocument } from '../../../resolvers/lib/imageDocument.ts';
import type { ProcessingConfig } from '../../../functions/shared/config.ts';
import { analyzeImage } from '../../../functions/process-image/analysis/analyze-image.ts';
import { failedDocument, processedDocument, storedThumbnails, type UploadFacts } from '../../../functions/process-image/image-document.ts';
import { ImageRejected, tooLarge } from '../../../functions/process-image/image-rejected.ts';
import type { VisionFindings } from '../../../functions/process-image/image-vision.ts';
import type { Progress } from '../progress.ts';

/** A detector for local files; none is fine: documents then carry no labels. */
export type LocalVision = (bytes: Buffer) => Promise<VisionFindings>;

const unreadable = (error: Error) => new ImageRejected('CORRUPT', `Cannot read the file: ${error.message}`);

const NO_VISION: LocalVision = () => Promise.resolve({ labels: [], moderationLabels: [], detectedText: [], faces: null });

export interface ProcessedFile {
  path: string;
  document: ImageDocument;
  milliseconds: number;
}

/**
 * `imagegraph process`: the processing function's pure core on local files, with no AWS and
 * nothing written anywhere; what the pipeline would index for each file.
 */
export async function processFiles(
  paths: string[],
  options: Pick<ProcessingConfig, 'maxUploadBytes' | 'maxInputPixels' | 'thumbnails'>,
  progress: Progress,
  vision: LocalVision = NO_VISION,
): Promise<ProcessedFile[]> {
  progress.start(paths.length, 'process');
  const results: ProcessedFile[] = [];
  for (const file of paths) {
    const started = performance.now();
    // A file that cannot be read fails alone: the others are still processed and reported.
    const info = await stat(file).catch((error: Error) => error);
    const upload: UploadFacts = {
      ownerSub: 'local',
      imageId: path.basename(file),
      key: path.resolve(file),
      fileName: path.basename(file),
      contentType: '',
      bytes: info instanceof Error ? 0 : info.size,
      etag: '',
      sequencer: '',
      uploadedAt: (info instanceof Error ? new Date() : info.mtime).toISOString(),
    };
    let document: ImageDocument;
    try {
      if (info instanceof Error) throw unreadable(info);
      if (!info.isFile()) throw new ImageRejected('UNSUPPORTED_TYPE', 'Not a file');
      if (info.size > options.maxUploadBytes) {
        throw tooLarge(info.size, options.maxUploadBytes);
      }
      const bytes = await readFile(file).catch((error: Error) => Promise.reject(unreadable(error)));
      const analysis = await analyzeImage(bytes, { maxInputPixels: options.maxInputPixels, thumbnails: options.thumbnails });
      document = processedDocument(upload, analysis, storedThumbnails(analysis.thumbnails, ''), await vision(bytes), { duplicateOf: null, nearDuplicateOf: null });
    } catch (error) {
      if (!(error instanceof ImageRejected)) throw error;
      document = failedDocument(upload, error.reason);
    }
    results.push({ path: file, document, milliseconds: performance.now() - started });
    progress.advance();
  }
  progress.stop();
  return results;
}
