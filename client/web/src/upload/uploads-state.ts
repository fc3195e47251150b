/** The upload list's state: pure, so the panel's behaviour is tested without a browser. */
export type UploadStatus = 'waiting' | 'uploading' | 'processing' | 'processed' | 'failed';

export interface UploadItem {
  key: string;
  name: string;
  size: number;
  status: UploadStatus;
  loaded: number;
  imageId?: string;
  reason?: string;
  thumbnailUrl?: string;
}

export type UploadAction =
  | { type: 'added'; items: { key: string; name: string; size: number; problem: string | null }[] }
  | { type: 'started'; key: string }
  | { type: 'progress'; key: string; loaded: number }
  | { type: 'uploaded'; key: string; imageId: string }
  | { type: 'failed'; key: string; reason: string }
  | { type: 'processed'; imageId: string; thumbnailUrl?: string }
  | { type: 'processingFailed'; imageId: string; reason: string }
  | { type: 'deleted'; imageId: string }
  | { type: 'cleared' };

export function uploadsReducer(items: UploadItem[], action: UploadAction): UploadItem[] {
  const update = (match: (item: UploadItem) => boolean, change: Partial<UploadItem>) =>
    items.map((item) => (match(item) ? { ...item, ...change } : item));
  const byKey = (key: string) => (item: UploadItem) => item.key === key;
  const byImage = (imageId: string) => (item: UploadItem) => item.imageId === imageId;
  switch (action.type) {
    case 'added':
      return [
        ...action.items.map(({ key, name, size, problem }) => ({
          key,
          name,
          size,
          loaded: 0,
          status: problem ? ('failed' as const) : ('waiting' as const),
          ...(problem ? { reason: problem } : {}),
        })),
        ...items,
      ];
    case 'started':
      return update(byKey(action.key), { status: 'uploading', loaded: 0, reason: undefined });
    case 'progress':
      return update(byKey(action.key), { loaded: action.loaded });
    case 'uploaded':
      return update(byKey(action.key), { imageId: action.imageId, loaded: 0, status: 'processing' });
    case 'failed':
      return update(byKey(action.key), { status: 'failed', reason: action.reason });
    case 'processed':
      return update(byImage(action.imageId), { status: 'processed', ...(action.thumbnailUrl ? { thumbnailUrl: action.thumbnailUrl } : {}) });
    case 'processingFailed':
      return update(byImage(action.imageId), { status: 'failed', reason: action.reason });
    case 'deleted':
      // Its link would lead nowhere.
      return items.filter((item) => item.imageId !== action.imageId);
    case 'cleared':
      return items.filter((item) => item.status !== 'processed' && item.status !== 'failed');
  }
}

/** What the list says about itself, for the live region. */
export function uploadSummary(items: UploadItem[]): string {
  const count = (status: UploadStatus) => items.filter((item) => item.status === status).length;
  const parts = [
    [count('waiting') + count('uploading'), 'uploading'],
    [count('processing'), 'processing'],
    [count('processed'), 'done'],
    [count('failed'), 'failed'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}`)
    .join(', ');
}
