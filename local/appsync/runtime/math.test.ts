import { describe, expect, it } from 'vitest';
import { util } from '@aws-appsync/utils';

describe('util.math', () => {
  it('rounds to the nearest integer, halves towards positive infinity as Java Math.round does', () => {
    expect(util.math.roundNum(2.4)).toBe(2);
    expect(util.math.roundNum(2.5)).toBe(3);
    expect(util.math.roundNum(-2.5)).toBe(-2);
    expect(util.math.roundNum(-2.6)).toBe(-3);
  });

  it('picks the minimum and the maximum of two numbers', () => {
    expect(util.math.minVal(13.45, 45.67)).toBe(13.45);
    expect(util.math.maxVal(13.45, 45.67)).toBe(45.67);
    expect(util.math.minVal(-1, -2)).toBe(-2);
  });

  it('draws a random double in [0, 1)', () => {
    for (let i = 0; i < 200; i += 1) {
      const value = util.math.randomDouble();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('draws random integers covering the whole range, both ends included', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 500; i += 1) seen.add(util.math.randomWithinRange(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
    expect(util.math.randomWithinRange(7, 7)).toBe(7);
  });

  it('rejects a range that is reversed or not made of integers', () => {
    expect(() => util.math.randomWithinRange(5, 1)).toThrow(/start <= end/);
    expect(() => util.math.randomWithinRange(0.5, 2)).toThrow(/needs integers/);
  });
});
