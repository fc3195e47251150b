/** The wasm backend's spatial means as average pools (tfjs.ts), against the backend's own Mean. */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { WASM_DIST, poolSpatialMeans, tf } from './tfjs.ts';

beforeAll(async () => {
  setWasmPaths(WASM_DIST);
  await tf.setBackend('wasm');
});

const means = (x: tf.Tensor, axis: number[], keepDims: boolean) => tf.tidy(() => tf.mean(x, axis, keepDims)).array();

describe('poolSpatialMeans', () => {
  it('gives the means the backend gave, for spatial means and every other', async () => {
    const x = tf.randomUniform([1, 17, 23, 5], -3, 3, 'float32', 7);
    const cases: [number[], boolean][] = [
      [[1, 2], true],
      [[2, 1], true],
      [[1, 2], false],
      [[3], true],
      [[0, 1, 2, 3], false],
    ];
    const before = await Promise.all(cases.map(([axis, keepDims]) => means(x, axis, keepDims)));
    const backendMean = tf.getKernel('Mean', 'wasm').kernelFunc;
    poolSpatialMeans();
    const pooledMean = tf.getKernel('Mean', 'wasm').kernelFunc;
    expect(pooledMean).not.toBe(backendMean);
    // Installed once: a second call does not wrap it again.
    poolSpatialMeans();
    expect(tf.getKernel('Mean', 'wasm').kernelFunc).toBe(pooledMean);
    const after = await Promise.all(cases.map(([axis, keepDims]) => means(x, axis, keepDims)));
    for (const [i, values] of after.entries()) {
      const flat = [values].flat(4) as number[];
      const expected = [before[i]].flat(4) as number[];
      expect(flat).toHaveLength(expected.length);
      flat.forEach((value, j) => expect(value).toBeCloseTo(expected[j] ?? NaN, 5));
    }
    const shape = tf.tidy(() => tf.mean(x, [1, 2], true).shape);
    expect(shape).toEqual([1, 1, 1, 5]);
    x.dispose();
  });
});
