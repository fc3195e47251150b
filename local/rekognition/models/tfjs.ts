/**
 * The one TensorFlow.js core every model in a worker shares, on the wasm backend (tfjs-node cannot
 * be installed offline). Human's node-wasm build and nsfwjs both require @tensorflow/tfjs-core from
 * the same node_modules, so they run on this instance; `assertSharedCore` proves it at warm-up.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { AvgPoolAttrs, KernelFunc, MeanAttrs, TensorInfo, io } from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);

/** tfjs-backend-wasm's dist/ (its *.wasm files): the backend would otherwise fetch them from a CDN. */
export const WASM_DIST = `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;

/**
 * A file inside an installed package: its root is found from the resolved entry point, walking
 * up to the package.json, since some exports maps hide both package.json and the files needed.
 */
export function packageFile(name: string, ...path: string[]): string {
  let root = dirname(require.resolve(name));
  while (!existsSync(join(root, 'package.json'))) root = dirname(root);
  return join(root, ...path);
}

let routed = false;

/**
 * tfjs has no node file loader without tfjs-node: this router serves `file://` model.json URLs and
 * their weight shards from disk, so no model load ever reaches for the network.
 */
export function registerFileRouter(): void {
  if (routed) return;
  routed = true;
  tf.io.registerLoadRouter((url) => {
    const path = typeof url === 'string' && url.startsWith('file://') ? fileURLToPath(url) : undefined;
    // Declared to return a handler, but registries skip routers that return null.
    return path === undefined ? (null as unknown as io.IOHandler) : fileHandler(path);
  });
}

function fileHandler(modelPath: string): io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(await readFile(modelPath, 'utf8')) as io.ModelJSON;
      const specs = json.weightsManifest.flatMap((group) => group.weights);
      const shards = await Promise.all(
        json.weightsManifest.flatMap((group) => group.paths).map((path) => readFile(join(dirname(modelPath), path))),
      );
      const weightData = tf.io.concatenateArrayBuffers(shards.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
      return { ...tf.io.getModelArtifactsForJSONSync(json, specs, weightData), weightData };
    },
  };
}

/**
 * tfjs-backend-wasm's Mean reduces only innermost axes, so a mean over the height and width of an
 * NHWC tensor first transposes it (a full copy). CenterNet's squeeze-and-excite blocks take that
 * mean, keeping dimensions, 9 times per pass: 25 of its 170 ms of kernels (nsfwjs's MobileNetV2
 * takes none). An average pool whose window is the whole plane is the same mean without the copy
 * (24 ms less CPU per detector pass on 12 judged photos, the same detections and scores). Every
 * other mean keeps the backend's kernel.
 */
export function poolSpatialMeans(): void {
  if (pooledMeans) return;
  pooledMeans = true;
  const mean = tf.getKernel('Mean', 'wasm');
  const avgPool = tf.getKernel('AvgPool', 'wasm');
  const kernelFunc: KernelFunc = (args) => {
    const [x] = Object.values(args.inputs) as TensorInfo[];
    const { axis, keepDims } = args.attrs as unknown as MeanAttrs;
    if (!x) return mean.kernelFunc(args);
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const spatial = x.shape.length === 4 && x.dtype === 'float32' && keepDims && axes.length === 2 && axes.includes(1) && axes.includes(2);
    if (!spatial) return mean.kernelFunc(args);
    const plane: [number, number] = [x.shape[1] ?? 1, x.shape[2] ?? 1];
    const attrs: AvgPoolAttrs = { filterSize: plane, strides: plane, pad: 'valid' };
    return avgPool.kernelFunc({ ...args, inputs: { x }, attrs: attrs as unknown as typeof args.attrs });
  };
  tf.unregisterKernel('Mean', 'wasm');
  tf.registerKernel({ ...mean, kernelFunc });
}
let pooledMeans = false;

/** Fails loudly if a model package brought its own copy of tfjs-core (two engines, two backends). */
export function assertSharedCore(otherEngine: unknown): void {
  if (otherEngine !== tf.engine()) throw new Error('vision models do not share one @tensorflow/tfjs-core instance');
}

export { tf };
