/**
 * Text (lines and words) from tesseract.js with the English LSTM model of @tesseract.js-data/eng.
 * langPath, gzip and cacheMethod 'none' keep it offline: without them it fetches from a CDN and
 * caches in the working directory.
 */
import { type Worker, createWorker, OEM, PSM } from 'tesseract.js';
import type { Box, TextLine, TextWord } from '../core/detections.ts';
import { packageFile } from './tfjs.ts';

interface Bbox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export class TextModel {
  private constructor(private readonly worker: Worker) {}

  static async load(): Promise<TextModel> {
    const worker = await createWorker('eng', OEM.LSTM_ONLY, {
      langPath: packageFile('@tesseract.js-data/eng', '4.0.0_best_int'),
      gzip: true,
      cacheMethod: 'none',
    });
    // Sparse text: photos carry words on signs scattered over the frame, not a page layout. On the
    // judged photos (bench/eval) this finds the sign words the automatic layout misses, and
    // still reads pages word by word.
    await worker.setParameters({ tessedit_pageseg_mode: PSM.SPARSE_TEXT });
    return new TextModel(worker);
  }

  /** `png`: the image encoded (tesseract decodes it itself); width/height in pixels. */
  async lines(png: Buffer, width: number, height: number): Promise<TextLine[]> {
    const { data } = await this.worker.recognize(png, {}, { blocks: true, text: false });
    const ratio = (b: Bbox): Box => ({ left: b.x0 / width, top: b.y0 / height, width: (b.x1 - b.x0) / width, height: (b.y1 - b.y0) / height });
    const word = (w: { text: string; confidence: number; bbox: Bbox }): TextWord => ({ text: w.text, confidence: w.confidence, box: ratio(w.bbox) });
    return (data.blocks ?? []).flatMap((block) =>
      block.paragraphs.flatMap((paragraph) =>
        paragraph.lines.map((line) => ({ ...word({ ...line, text: line.text.trim() }), words: line.words.map(word) })),
      ),
    );
  }

  close(): Promise<unknown> {
    return this.worker.terminate();
  }
}
