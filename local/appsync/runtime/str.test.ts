import { describe, expect, it } from 'vitest';
import { util } from '@aws-appsync/utils';

describe('util.str.normalize', () => {
  const decomposed = 'Cafe\u0301'; // "Café" with a combining acute accent

  it('composes with nfc and decomposes with nfd', () => {
    expect(util.str.normalize(decomposed, 'nfc')).toBe('Caf\u00E9');
    expect(util.str.normalize('Caf\u00E9', 'nfd')).toBe(decomposed);
  });

  it('folds compatibility characters with nfkc and nfkd', () => {
    expect(util.str.normalize('\uFB01le \u2460', 'nfkc')).toBe('file 1');
    expect(util.str.normalize('\u00C5\uFB01', 'nfkd')).toBe('A\u030Afi');
    expect(util.str.normalize('\uFB01', 'nfc')).toBe('\uFB01');
  });

  it('rejects an unknown normalization type', () => {
    expect(() => util.str.normalize('x', 'nfx' as 'nfc')).toThrow(/unknown normalization type "nfx"/);
    expect(() => util.str.normalize('x', 'toString' as 'nfc')).toThrow(/unknown normalization type/);
  });
});
