/**
 * Text (lines and words) from tesseract.js with the English LSTM model of @tesseract.js-data/eng.
 * langPath, gzip and cacheMethod 'none' keep it offline: without them it fetches from a CDN and
 * caches in the working directory.
 */
import { type RecognizeOptions, type Worker, createWorker, OEM, PSM } from 'tesseract.js';
import type { Box, TextLine, TextWord } from '../core/detections.ts';
import { packageFile } from './tfjs.ts';

/** Pixels per inch tesseract assumes for the images it is given. */
const IMAGE_DPI = 72;

/**
 * A photo at least as large as the OCR side, read at that side, is read with tesseract's noise
 * size (`textord_max_noise_size`, the largest blob it drops as noise) at 8 px instead of its
 * default 7. At that size gravel, foliage, fur and clouds give blobs of about 7-8 px, which
 * tesseract strings into candidate lines and recognises, twice when it also tries them inverted.
 * On bench:e2e's 17 photos (2-12 MP, none with text): 27% less OCR CPU, Path_2560x1600 1.4 ->
 * 0.4 s (203 -> 57 candidate lines). On the judged signs and pages pasted into its 8 and 12 MP
 * photos at 30-80% of their width (72 readings): 180 of their listed words against 178 (5 lost, 7
 * gained), and still no legible line on a photo without text. A smaller photo, read at its own
 * size and enlarged, keeps the default: at 8 px its enlarged pass lost "TIMES" at the foot of a
 * judged sign.
 *
 * tesseract.js sets recognize options it does not know as tesseract parameters for that call and
 * restores them after it only when it succeeds (worker-script/index.js), so `lines` puts tesseract's
 * own value back after a failed call; its types do not declare them.
 */
const LARGE_PHOTO_PARAMETERS = { textord_max_noise_size: '8' } as Partial<RecognizeOptions>;
/** Tesseract's defaults for LARGE_PHOTO_PARAMETERS. */
const DEFAULT_PARAMETERS = { textord_max_noise_size: '7' } as Partial<RecognizeOptions>;

interface Bbox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export class TextModel {
  private constructor(private readonly worker: Worker) {}

  /** `langPath`: the folder of eng.traineddata.gz (tests give a wrong one). */
  static async load(langPath = packageFile('@tesseract.js-data/eng', '4.0.0_best_int')): Promise<TextModel> {
    let loaded = false;
    let failLoad: (error: Error) => void = () => undefined;
    const loadFailed = new Promise<never>((_, reject) => (failLoad = reject));
    const worker = await Promise.race([
      createWorker('eng', OEM.LSTM_ONLY, {
        langPath,
        gzip: true,
        cacheMethod: 'none',
        // A failed call rejects its promise; without a handler tesseract.js also throws from its
        // message handler, an uncaught exception that ends the vision worker thread. Before the
        // worker has loaded, a failure fails the load: tesseract.js leaves createWorker pending
        // when it cannot read the language data.
        errorHandler: (error: unknown) => {
          if (!loaded) failLoad(new Error(`the OCR model could not be loaded: ${String(error)}`));
        },
      }),
      loadFailed,
    ]);
    loaded = true;
    // Sparse text: photos carry words on signs scattered over the frame, not a page layout. On the
    // judged photos (bench/eval) this finds the sign words the automatic layout misses, and
    // still reads pages word by word. The resolution is the one sharp's PNGs declared before
    // images came as PGM (which carries none): the same readings, word for word.
    await worker.setParameters({ tessedit_pageseg_mode: PSM.SPARSE_TEXT, user_defined_dpi: String(IMAGE_DPI) });
    return new TextModel(worker);
  }

  /**
   * `grey`: 8-bit greyscale pixels, width x height. They reach tesseract as binary PGM, a header in
   * front of the pixels: encoding and decoding a PNG instead cost 50-140 ms per 2 MP image.
   * `large`: the pixels are a photo at least the OCR side, read at that side (a larger noise size).
   */
  async lines(grey: Buffer, width: number, height: number, large: boolean): Promise<TextLine[]> {
    if (grey.length !== width * height) throw new Error(`expected ${width}x${height} greyscale pixels, got ${grey.length} bytes`);
    const pgm = Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`), grey]);
    const { data } = await this.worker.recognize(pgm, large ? LARGE_PHOTO_PARAMETERS : {}, { blocks: true, text: false }).catch(async (error: unknown) => {
      // The restore failing too must not hide why the call failed.
      if (large) await this.worker.setParameters(DEFAULT_PARAMETERS).catch(() => undefined);
      // tesseract.js rejects with the error's text, not an Error.
      throw new Error(`tesseract could not read the image: ${String(error)}`);
    });
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
