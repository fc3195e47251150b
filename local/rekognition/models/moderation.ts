/** Moderation class probabilities from nsfwjs (MobileNetV2, weights bundled in the package). */
import * as tf from '@tensorflow/tfjs';
import { load } from 'nsfwjs';
import type { ModerationScores } from '../core/detections.ts';
import { assertSharedCore } from './tfjs.ts';

/** What this module uses of nsfwjs's NSFWJS class (its declarations do not resolve under NodeNext). */
interface Classifier {
  classify(image: tf.Tensor3D, topk?: number): Promise<{ className: string; probability: number }[]>;
}

export class ModerationModel {
  private constructor(private readonly model: Classifier) {}

  static async load(): Promise<ModerationModel> {
    assertSharedCore(tf.engine());
    // By name: nsfwjs imports its bundled model and weights, nothing is fetched.
    return new ModerationModel((await load('MobileNetV2')) as Classifier);
  }

  /** `image`: RGB tensor [height, width, 3]; nsfwjs resizes it to 224x224 itself. */
  async scores(image: tf.Tensor3D): Promise<ModerationScores> {
    const predictions = await this.model.classify(image, 5);
    return Object.fromEntries(predictions.map((p) => [p.className, p.probability]));
  }
}
