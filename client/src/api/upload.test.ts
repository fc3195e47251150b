import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { of, throwError } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { AuthError } from './session.ts';
import { s3ErrorMessage, uploadFile, uploadProblem, type PostForm } from './upload.ts';

let tickets = 0;
// Answers requestUpload like the API: a fresh id and presigned POST each time.
const client = new ApolloClient({
  cache: new InMemoryCache(),
  link: new ApolloLink(() => {
    tickets += 1;
    return of({
      data: {
        requestUpload: {
          __typename: 'UploadTicket',
          imageId: `img-${tickets}`,
          key: `uploads/u/img-${tickets}/a.jpg`,
          maxBytes: 1000,
          expiresAt: '2030-01-01T00:00:00Z',
          upload: { __typename: 'PresignedPost', url: 'http://s3.test/bucket', fields: [{ __typename: 'FormField', name: 'key', value: `uploads/u/img-${tickets}/a.jpg` }] },
        },
      },
    });
  }),
});

const file = { name: 'a.jpg', type: 'image/jpeg', size: 3, blob: new Blob(['abc'], { type: 'image/jpeg' }) };

describe('uploadProblem', () => {
  it('refuses unsupported types, empty and oversized files before any request', () => {
    expect(uploadProblem({ name: 'a.svg', type: 'image/svg+xml', size: 10 })).toBe('a.svg: image/svg+xml is not accepted (JPEG, PNG, WebP, GIF, AVIF, TIFF, HEIC or HEIF only)');
    expect(uploadProblem({ name: 'a.bmp', type: '', size: 10 })).toMatch(/unknown type is not accepted/);
    expect(uploadProblem({ name: 'a.jpg', type: '', size: 0 })).toBe('a.jpg: the file is empty');
    expect(uploadProblem({ name: 'a.png', type: 'image/png', size: 30 * 1024 ** 2 })).toBe('a.png: 30.0 MB is over the 25.0 MB limit');
    expect(uploadProblem({ name: 'a.JPG', type: '', size: 10 })).toBeNull();
    // iPhone photos: browsers report image/heic (Safari) or nothing; the CLI goes by the extension.
    expect(uploadProblem({ name: 'IMG_0001.HEIC', type: '', size: 10 })).toBeNull();
    expect(uploadProblem({ name: 'IMG_0001.HEIC', type: 'image/heic', size: 10 })).toBeNull();
    expect(uploadProblem({ name: 'photo.heif', type: '', size: 10 })).toBeNull();
    expect(uploadProblem({ name: `${'n'.repeat(251)}.jpg`, type: '', size: 10 })).toBeNull();
    expect(uploadProblem({ name: `${'n'.repeat(252)}.jpg`, type: '', size: 10 })).toBe(`${'n'.repeat(40)}…: the file name is longer than 255 characters`);
  });
});

describe('uploadFile', () => {
  it('posts the presigned fields, then the file last', async () => {
    const post = vi.fn<PostForm>((_url, _form, onProgress) => {
      onProgress(3, 3);
      return Promise.resolve({ status: 204, body: '' });
    });
    const progress = vi.fn();
    const ticket = await uploadFile({ client, post, file, onProgress: progress });
    const [url, form] = post.mock.calls[0]!;
    expect(url).toBe('http://s3.test/bucket');
    expect([...form.keys()]).toEqual(['key', 'file']);
    expect(form.get('key')).toBe(ticket.key);
    expect(progress).toHaveBeenCalledWith(3, 3);
  });

  it('retries network errors with a new ticket, then succeeds', async () => {
    const post = vi
      .fn<PostForm>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce({ status: 503, body: '<Error><Code>SlowDown</Code><Message>Reduce your request rate</Message></Error>' })
      .mockResolvedValueOnce({ status: 204, body: '' });
    const before = tickets;
    const ticket = await uploadFile({ client, post, file, retryDelayMs: 1 });
    expect(post).toHaveBeenCalledTimes(3);
    expect(tickets - before).toBe(3);
    expect(ticket.imageId).toBe(`img-${tickets}`);
  });

  it("fails at once with storage's reason when it refuses the file", async () => {
    const post = vi.fn<PostForm>().mockResolvedValue({
      status: 400,
      body: '<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message></Error>',
    });
    await expect(uploadFile({ client, post, file, retryDelayMs: 1 })).rejects.toMatchObject({
      message: 'Upload refused: EntityTooLarge: Your proposed upload exceeds the maximum allowed size',
      retryable: false,
    });
    expect(post).toHaveBeenCalledTimes(1);
  });

  it('gives up after the last attempt with the network error', async () => {
    const post = vi.fn<PostForm>().mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(uploadFile({ client, post, file, attempts: 2, retryDelayMs: 1 })).rejects.toThrow('Upload failed: Failed to fetch');
    expect(post).toHaveBeenCalledTimes(2);
  });

  it('fails at once with the session error when the session has ended, asking for no ticket again', async () => {
    let requests = 0;
    const ended = new ApolloClient({
      cache: new InMemoryCache(),
      link: new ApolloLink(() => {
        requests += 1;
        return throwError(() => new AuthError('SessionExpired', 'Your session has expired. Sign in again.'));
      }),
    });
    const post = vi.fn<PostForm>();
    const failure = uploadFile({ client: ended, post, file, retryDelayMs: 1 });
    await expect(failure).rejects.toBeInstanceOf(AuthError);
    await expect(failure).rejects.toThrow('Your session has expired. Sign in again.');
    expect([requests, post.mock.calls.length]).toEqual([1, 0]);
  });
});

describe('s3ErrorMessage', () => {
  it('reads the code and message of an S3 error body', () => {
    expect(s3ErrorMessage('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Policy expired</Message></Error>')).toBe('AccessDenied: Policy expired');
    expect(s3ErrorMessage('not xml')).toBeNull();
  });

});
