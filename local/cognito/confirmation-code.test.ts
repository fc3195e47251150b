import { describe, expect, it } from 'vitest';
import { confirmationCode } from './confirmation-code.ts';

describe('confirmationCode', () => {
  it('is six digits, zero-padded, spread over the whole range', () => {
    const codes = Array.from({ length: 3000 }, confirmationCode);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    // 3000 draws from a million: repeats are rare, and about a tenth start with 0.
    expect(new Set(codes).size).toBeGreaterThan(2980);
    expect(codes.filter((code) => code.startsWith('0')).length).toBeGreaterThan(150);
    expect(codes.filter((code) => code.startsWith('9')).length).toBeGreaterThan(150);
  });
});
