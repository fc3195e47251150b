import { expect } from 'vitest';
import { RekognitionError } from '../core/errors.ts';

/** The Rekognition error type `promise` is rejected with; the test fails if it resolves or fails otherwise. */
export async function errorType(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(RekognitionError);
  return (error as RekognitionError).type;
}
