// util.math, as documented in "Math helpers in util.math".
import type { Util } from '@aws-appsync/utils';

export const math: Util['math'] = {
  // Java's Math.round and JavaScript's agree: halves round towards positive infinity.
  roundNum: (input) => Math.round(input),
  minVal: (input1, input2) => Math.min(input1, input2),
  maxVal: (input1, input2) => Math.max(input1, input2),
  randomDouble: () => Math.random(),
  randomWithinRange(start, end) {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start > end) {
      throw new Error(`util.math.randomWithinRange: needs integers with start <= end, got ${start} and ${end}`);
    }
    // Both ends are part of the range.
    return start + Math.floor(Math.random() * (end - start + 1));
  },
};
