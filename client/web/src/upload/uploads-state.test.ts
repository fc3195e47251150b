import { describe, expect, it } from 'vitest';
import { uploadsReducer, uploadSummary, type UploadItem } from './uploads-state.ts';

const added = uploadsReducer([], {
  type: 'added',
  items: [
    { key: 'a', name: 'a.jpg', size: 100, problem: null },
    { key: 'b', name: 'b.svg', size: 100, problem: 'b.svg: image/svg+xml is not accepted' },
  ],
});

describe('uploadsReducer', () => {
  it('queues accepted files and fails refused ones with their reason at once', () => {
    expect(added.map(({ key, status, reason }) => ({ key, status, reason }))).toEqual([
      { key: 'a', status: 'waiting', reason: undefined },
      { key: 'b', status: 'failed', reason: 'b.svg: image/svg+xml is not accepted' },
    ]);
  });

  it('follows a file from upload through processing to its thumbnail', () => {
    let items: UploadItem[] = uploadsReducer(added, { type: 'started', key: 'a' });
    items = uploadsReducer(items, { type: 'progress', key: 'a', loaded: 40 });
    expect(items[0]).toMatchObject({ status: 'uploading', loaded: 40 });
    items = uploadsReducer(items, { type: 'uploaded', key: 'a', imageId: 'img-1' });
    expect(items[0]).toMatchObject({ status: 'processing', imageId: 'img-1' });
    items = uploadsReducer(items, { type: 'processed', imageId: 'img-1' });
    expect(items[0]).toMatchObject({ status: 'processed' });
    items = uploadsReducer(items, { type: 'processed', imageId: 'img-1', thumbnailUrl: 'http://t/1.webp' });
    expect(items[0]).toMatchObject({ status: 'processed', thumbnailUrl: 'http://t/1.webp' });
    expect(uploadSummary(items)).toBe('1 done, 1 failed');
    expect(uploadsReducer(items, { type: 'cleared' })).toEqual([]);
    expect(uploadsReducer(items, { type: 'deleted', imageId: 'img-1' }).map((item) => item.key)).toEqual(['b']);
  });

  it('shows why processing failed, and ignores events for other images', () => {
    let items = uploadsReducer(added, { type: 'uploaded', key: 'a', imageId: 'img-1' });
    items = uploadsReducer(items, { type: 'processingFailed', imageId: 'img-9', reason: 'other' });
    expect(items[0]!.status).toBe('processing');
    items = uploadsReducer(items, { type: 'processingFailed', imageId: 'img-1', reason: 'Not a supported image' });
    expect(items[0]).toMatchObject({ status: 'failed', reason: 'Not a supported image' });
  });
});
