import { describe, expect, it } from 'vitest';
import { MAX_FILE_NAME_BYTES, sanitizeFileName } from './file-name.ts';

describe('sanitizeFileName', () => {
  it.each([
    ['an ordinary name', 'photo.jpg', 'photo.jpg'],
    ['allowed punctuation', 'IMG_2024-01-02.v2.jpg', 'IMG_2024-01-02.v2.jpg'],
    ['a POSIX path', '/home/me/Pictures/cat.jpg', 'cat.jpg'],
    ['a Windows path', 'C:\\Users\\me\\Pictures\\cat.jpg', 'cat.jpg'],
    ['parent traversal', '../../etc/passwd', 'passwd'],
    ['mixed separators', '..\\../..\\secret.jpg', 'secret.jpg'],
    ['a trailing separator', 'folder/', 'image.jpg'],
    ['dots only', '..', 'image.jpg'],
    ['double dots inside', 'a..b...c.jpg', 'a.b.c.jpg'],
    ['a hidden file', '.hidden.jpg', 'hidden.jpg'],
    ['only an extension', '.png', 'image.png'],
    ['leading dashes', '--rf.jpg', 'rf.jpg'],
    ['spaces and brackets', 'my photo (1).jpg', 'my-photo-1.jpg'],
    ['accents, composed', 'Caf\u00e9.jpg', 'Caf.jpg'],
    ['accents, decomposed (NFC first)', 'Cafe\u0301 au lait.jpg', 'Caf-au-lait.jpg'],
    ['non-Latin script', '\u65e5\u672c\u306e\u5199\u771f.jpg', 'image.jpg'],
    ['emoji', 'dog \u{1F436}\u{1F468}\u200D\u{1F469}\u200D\u{1F467} party.png', 'dog-party.png'],
    ['emoji only, keeping the extension', '\u{1F436}.webp', 'image.webp'],
    ['control characters', 'ph\u0000o\u0007to\r\n\u007f.jpg', 'photo.jpg'],
    ['a bidi override', 'invoice\u202Egpj.exe', 'invoicegpj.exe'],
    ['a zero-width space', 'zero\u200Bwidth.jpg', 'zerowidth.jpg'],
    ['surrounding whitespace', '  photo.jpg  ', 'photo.jpg'],
    ['a trailing dot', 'photo.', 'photo'],
    ['empty', '', 'image.jpg'],
    ['a multi-part extension', 'backup.tar.gz', 'backup.tar.gz'],
    ['a very long name, keeping the extension', `${'a'.repeat(300)}.jpeg`, `${'a'.repeat(123)}.jpeg`],
    ['a very long name without extension', 'b'.repeat(500), 'b'.repeat(128)],
    ['a long name cut after a dot', `${'c'.repeat(123)}.${'d'.repeat(20)}.jpg`, `${'c'.repeat(123)}.jpg`],
    ['a very long extension (not kept as one)', `x.${'e'.repeat(200)}`, `x.${'e'.repeat(126)}`],
    ['long multi-byte text', `${'\u00e9t\u00e9'.repeat(100)}.gif`, `${'t-'.repeat(61)}t.gif`],
  ])('%s: %j -> %j', (_case, input, expected) => {
    expect(sanitizeFileName(input, 'image/jpeg')).toBe(expected);
  });

  it('falls back to image plus the extension of the content type', () => {
    expect(sanitizeFileName('', 'image/png')).toBe('image.png');
    expect(sanitizeFileName('\u{1F4F7}', 'image/webp')).toBe('image.webp');
    expect(sanitizeFileName('../', 'image/gif')).toBe('image.gif');
    expect(sanitizeFileName('...', 'image/avif')).toBe('image.avif');
    expect(sanitizeFileName('\u0000', 'image/tiff')).toBe('image.tiff');
  });

  it('always yields a short, safe key segment', () => {
    const nasty = [
      '../'.repeat(100),
      `${'\u{1F600}'.repeat(200)}.jpg`,
      `a${'.-'.repeat(200)}b`,
      `${'z'.repeat(127)}..jpg`,
      `${'y'.repeat(126)}-.-.-.png`,
      '\\\\server\\share\\..\\..\\x.jpg',
      '.../....//.....',
      `${'\u0301'.repeat(50)}.jpg`,
      'name\u2215with\uFF0Fslash-lookalikes.jpg',
    ];
    for (const input of nasty) {
      const name = sanitizeFileName(input, 'image/jpeg');
      expect(name, input).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
      expect(name, input).not.toContain('/');
      expect(name, input).not.toContain('..');
      expect(Buffer.byteLength(name), input).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    }
  });
});
