// @vitest-environment happy-dom
import { cleanup, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PostForm } from '../../../src/api/upload.ts';
import { image } from '../testing/images.ts';
import { renderWithApi } from '../testing/render.tsx';
import { UploadPanel } from './UploadPanel.tsx';

// Storage is the one thing replaced: the test drives its progress events and answer.
const post = vi.hoisted(() => ({ calls: [] as { progress: (loaded: number, total: number) => void; finish: (status: number, body?: string) => void }[] }));
vi.mock('../browser.ts', () => ({
  xhrPost: ((_url, _form, onProgress) =>
    new Promise((resolve) => {
      post.calls.push({ progress: onProgress, finish: (status, body = '') => resolve({ status, body }) });
    })) satisfies PostForm,
}));

afterEach(() => {
  cleanup();
  post.calls.length = 0;
});

const ticket = (imageId: string) => ({
  requestUpload: {
    __typename: 'UploadTicket',
    imageId,
    key: `uploads/u/${imageId}/a.jpg`,
    maxBytes: 26214400,
    expiresAt: '2030-01-01T00:00:00Z',
    upload: { __typename: 'PresignedPost', url: 'http://s3.test/b', fields: [{ __typename: 'FormField', name: 'key', value: 'k' }] },
  },
});

const processed = (imageId: string) => ({
  onImageProcessed: {
    __typename: 'ImageEvent',
    imageId,
    ownerSub: 'u',
    status: 'PROCESSED',
    reason: null,
    image: {
      __typename: 'Image',
      id: imageId,
      fileName: 'beach.jpg',
      width: 10,
      height: 10,
      format: 'JPEG',
      takenAt: null,
      uploadedAt: '2026-01-01T00:00:00Z',
      status: 'PROCESSED',
      failureReason: null,
      labels: [],
      thumbnails: [{ __typename: 'Thumbnail', size: 160, width: 160, height: 160, format: 'WEBP', square: true, url: 'http://s3.test/thumb.webp' }],
    },
  },
});

describe('UploadPanel', () => {
  it('checks files first, shows upload progress, then the thumbnail when processing is done', async () => {
    const user = userEvent.setup({ applyAccept: false });
    const { publish, operations, container } = renderWithApi(<UploadPanel />, { answer: () => ticket('img-1') });
    const jpeg = new File([new Uint8Array(100)], 'beach.jpg', { type: 'image/jpeg' });
    const svg = new File(['<svg/>'], 'drawing.svg', { type: 'image/svg+xml' });
    await user.upload(screen.getByLabelText('Choose photos to upload'), [jpeg, svg]);

    const items = await screen.findAllByTestId('upload-item');
    const svgItem = items.find((item) => item.textContent?.includes('drawing.svg'))!;
    expect(within(svgItem).getByText(/image\/svg\+xml is not accepted/)).toBeTruthy();

    await expect.poll(() => post.calls).toHaveLength(1);
    expect(operations.filter((operation) => operation.name === 'RequestUpload').map((operation) => operation.variables)).toEqual([
      { input: { fileName: 'beach.jpg', contentType: 'image/jpeg', bytes: 100 } },
    ]);
    post.calls[0]!.progress(40, 100);
    const bar = await screen.findByRole('progressbar', { name: 'Uploading beach.jpg' });
    await expect.poll(() => bar.getAttribute('value')).toBe('40');

    post.calls[0]!.finish(204);
    expect(await screen.findByText('Processing…')).toBeTruthy();

    publish(processed('img-1'));
    await expect.poll(() => container.querySelector('.thumb img')?.getAttribute('src')).toBe('http://s3.test/thumb.webp');
    expect(screen.getByRole('link', { name: 'beach.jpg' }).getAttribute('href')).toBe('#/image/img-1');
    expect(screen.getByRole('status').textContent).toBe('1 done, 1 failed');

    publish({ onImageProcessed: { __typename: 'ImageEvent', imageId: 'img-1', ownerSub: 'u', status: 'DELETED', reason: null, image: null } });
    await expect.poll(() => screen.queryByRole('link', { name: 'beach.jpg' })).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('1 failed');
  });

  it("shows storage's refusal with a retry button", async () => {
    const user = userEvent.setup();
    renderWithApi(<UploadPanel />, { answer: () => ticket('img-2') });
    await user.upload(screen.getByLabelText('Choose photos to upload'), [new File([new Uint8Array(10)], 'a.png', { type: 'image/png' })]);
    await expect.poll(() => post.calls).toHaveLength(1);
    post.calls[0]!.finish(403, '<Error><Code>AccessDenied</Code><Message>Invalid according to Policy</Message></Error>');
    expect(await screen.findByText('Upload refused: AccessDenied: Invalid according to Policy')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Retry a.png' }));
    await expect.poll(() => post.calls).toHaveLength(2);
  });

  it('once the subscription is acknowledged, reads the uploads whose events came before it', async () => {
    const user = userEvent.setup();
    const states: Record<string, object> = {
      'img-3': { ...image, id: 'img-3', fileName: 'done.jpg' },
      'img-4': { ...image, id: 'img-4', fileName: 'bad.jpg', status: 'FAILED', failureReason: 'Not a supported image', thumbnails: [] },
    };
    let next = 3;
    const { acknowledge, operations, container } = renderWithApi(<UploadPanel />, {
      answer: (name, variables) => (name === 'Image' ? { image: states[variables.id as string] } : ticket(`img-${next++}`)),
    });
    await user.upload(screen.getByLabelText('Choose photos to upload'), [
      new File([new Uint8Array(10)], 'done.jpg', { type: 'image/jpeg' }),
      new File([new Uint8Array(10)], 'bad.jpg', { type: 'image/jpeg' }),
    ]);
    await expect.poll(() => post.calls).toHaveLength(2);
    post.calls.forEach((call) => call.finish(204));
    await expect.poll(() => screen.getAllByText('Processing…')).toHaveLength(2);
    // Their events were published before AppSync acknowledged the subscription: never delivered.
    expect(operations.filter((operation) => operation.name === 'Image')).toEqual([]);

    acknowledge();
    await expect.poll(() => container.querySelector('.thumb img')?.getAttribute('src')).toBe('http://s3.test/1280.webp');
    expect(await screen.findByText('Not a supported image')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('1 done, 1 failed');
    expect(operations.filter((operation) => operation.name === 'Image').map((operation) => operation.variables.id).sort()).toEqual(['img-3', 'img-4']);
  });
});
