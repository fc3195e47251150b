/** Every model a worker holds, loaded (and warmed with one inference each) before it takes work. */
import { ModerationModel } from './moderation.ts';
import { ObjectAndFaceModel } from './objects-and-faces.ts';
import { TextModel } from './text.ts';
import { poolSpatialMeans, tf } from './tfjs.ts';

export interface VisionModels {
  objectsAndFaces: ObjectAndFaceModel;
  moderation: ModerationModel;
  text: TextModel;
}

export async function loadModels(): Promise<VisionModels> {
  const objectsAndFaces = await ObjectAndFaceModel.load();
  const [moderation, text] = await Promise.all([ModerationModel.load(), TextModel.load()]);
  poolSpatialMeans();
  // The first inference of each graph compiles its kernels; do it now rather than on a request.
  const blank = tf.zeros<tf.Rank.R3>([256, 256, 3], 'int32');
  const batch = tf.expandDims<tf.Tensor4D>(blank, 0);
  try {
    await objectsAndFaces.objects(batch);
    await objectsAndFaces.faces(batch);
    await moderation.scores(blank);
  } finally {
    tf.dispose([blank, batch]);
  }
  return { objectsAndFaces, moderation, text };
}
