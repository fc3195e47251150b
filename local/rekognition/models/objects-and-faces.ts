/**
 * Objects (COCO-80 CenterNet) and faces with emotions (BlazeFace, checked by the face mesh model,
 * + emotion model), from
 * @vladmandic/human on the wasm backend, with the weights shipped inside its package.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Config, Human as HumanInstance } from '@vladmandic/human';
import type { Box, FaceDetection, ObjectDetection } from '../core/detections.ts';
import { WASM_DIST, assertSharedCore, packageFile, registerFileRouter } from './tfjs.ts';

const require = createRequire(import.meta.url);

/** Detector floors: low enough to keep weak true positives, MinConfidence filters the rest. */
const MIN_OBJECT_SCORE = 0.2;
const MIN_FACE_SCORE = 0.3;
const MAX_DETECTED = 30;

/** Everything but objects and faces stays off; result caching off (every image is unrelated). */
function humanConfig(): Partial<Config> {
  return {
    backend: 'wasm',
    wasmPath: WASM_DIST,
    wasmPlatformFetch: false,
    modelBasePath: pathToFileURL(packageFile('@vladmandic/human', 'models')).href + '/',
    debug: false,
    async: true,
    warmup: 'none',
    cacheSensitivity: 0,
    skipAllowed: false,
    filter: { enabled: false },
    gesture: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    segmentation: { enabled: false },
    object: { enabled: true, modelPath: 'centernet.json', minConfidence: MIN_OBJECT_SCORE, maxDetected: MAX_DETECTED, skipFrames: 0 },
    face: {
      enabled: true,
      detector: { modelPath: 'blazeface.json', rotation: false, maxDetected: MAX_DETECTED, minConfidence: MIN_FACE_SCORE, skipFrames: 0, return: false },
      // The mesh model re-reads each candidate crop: its score is the second opinion that keeps
      // BlazeFace's false faces (a spoon, a cat, a sunset) out; see core/faces.ts.
      mesh: { enabled: true, modelPath: 'facemesh.json' },
      iris: { enabled: false },
      attention: { enabled: false },
      description: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      emotion: { enabled: true, modelPath: 'emotion.json', minConfidence: 0.05, skipFrames: 0 },
    },
  };
}

export class ObjectAndFaceModel {
  private constructor(private readonly human: HumanInstance) {}

  static async load(): Promise<ObjectAndFaceModel> {
    registerFileRouter();
    // By absolute path: the package's exports map does not expose the node-wasm build.
    const { Human } = require(packageFile('@vladmandic/human', 'dist', 'human.node-wasm.js')) as { Human: typeof HumanInstance };
    const human = new Human(humanConfig());
    await human.init();
    await human.load();
    assertSharedCore((human.tf as { engine(): unknown }).engine());
    return new ObjectAndFaceModel(human);
  }

  /** `image`: RGB int32 tensor [1, height, width, 3]. */
  async objects(image: Tensor4D): Promise<ObjectDetection[]> {
    const result = await this.human.detect(image, { face: { enabled: false }, object: { enabled: true } });
    return result.object.map((o) => ({ className: o.label, score: o.score, box: toBox(o.boxRaw) }));
  }

  async faces(image: Tensor4D): Promise<FaceDetection[]> {
    const result = await this.human.detect(image, { face: { enabled: true }, object: { enabled: false } });
    return result.face.map((f) => ({
      score: f.boxScore,
      meshScore: f.faceScore,
      box: toBox(f.boxRaw),
      emotions: (f.emotion ?? []).map((e) => ({ emotion: e.emotion, score: e.score })),
    }));
  }
}

function toBox([left, top, width, height]: [number, number, number, number]): Box {
  return { left, top, width, height };
}
