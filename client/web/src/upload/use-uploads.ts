import { useApolloClient, useSubscription } from '@apollo/client/react';
import pLimit from 'p-limit';
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { uploadFile, uploadProblem } from '../../../src/api/upload.ts';
import { ImageDocument, OnImageProcessedDocument, type ThumbnailFieldsFragment } from '../../../src/generated/graphql.ts';
import { xhrPost } from '../browser.ts';
import { uploadsReducer } from './uploads-state.ts';

/** Uploads at a time: enough to fill the pipe, few enough that each bar moves. */
const CONCURRENCY = 3;

/** The smallest thumbnail with a URL, preferring the square crop for the grid. */
export function thumbnailUrl(thumbnails: readonly ThumbnailFieldsFragment[]): string | undefined {
  const withUrl = thumbnails.filter((thumbnail) => thumbnail.url);
  return (withUrl.find((thumbnail) => thumbnail.square) ?? withUrl[0])?.url ?? undefined;
}

/**
 * The upload list: files are checked, uploaded a few at a time with progress, then followed through
 * processing by `onImageProcessed` until each shows its thumbnail or its failure reason.
 */
export function useUploads() {
  const client = useApolloClient();
  const [items, dispatch] = useReducer(uploadsReducer, []);
  const files = useRef(new Map<string, File>());
  const limit = useMemo(() => pLimit(CONCURRENCY), []);
  const nextKey = useRef(0);
  const latestItems = useRef(items);
  useEffect(() => {
    latestItems.current = items;
  }, [items]);

  /** Shows what processing has finished by the image's own state, read from the API. */
  const readOutcome = useCallback(
    async (imageId: string) => {
      const { data } = await client.query({ query: ImageDocument, variables: { id: imageId }, fetchPolicy: 'network-only' });
      const image = data?.image;
      if (image?.status === 'PROCESSED') {
        const url = thumbnailUrl(image.thumbnails);
        dispatch({ type: 'processed', imageId, ...(url ? { thumbnailUrl: url } : {}) });
      } else if (image?.status === 'FAILED') {
        dispatch({ type: 'processingFailed', imageId, reason: image.failureReason ?? 'Processing failed' });
      }
    },
    [client],
  );

  /**
   * AppSync delivers only events published after it acknowledged the subscription (start_ack), at
   * sign-in and after each reconnection: an upload that finished before that would wait forever.
   * So once it is acknowledged, every upload still shown as processing is read, and what is on
   * screen is read again after a reconnection (any event may have been missed meanwhile).
   */
  const acknowledgements = useRef(0);
  const catchUp = useCallback(() => {
    const reconnected = acknowledgements.current++ > 0;
    const processing = latestItems.current.filter((item) => item.status === 'processing' && item.imageId);
    // An error (the image deleted meanwhile, the network) leaves the item as it is; its event may still come.
    for (const item of processing) readOutcome(item.imageId!).catch(() => undefined);
    if (reconnected) void client.refetchQueries({ include: 'active' });
    else if (processing.length > 0) void client.refetchQueries({ include: ['SearchImages'] });
  }, [client, readOutcome]);
  // Stable, so that a render does not restart the subscription.
  const context = useMemo(() => ({ onSubscriptionAcknowledged: catchUp }), [catchUp]);

  useSubscription(OnImageProcessedDocument, {
    context,
    onData: ({ data }) => {
      const event = data.data?.onImageProcessed;
      if (!event) return;
      if (event.status === 'FAILED') {
        dispatch({ type: 'processingFailed', imageId: event.imageId, reason: event.reason ?? 'Processing failed' });
      } else if (event.status === 'PROCESSED') {
        const url = event.image ? thumbnailUrl(event.image.thumbnails) : undefined;
        dispatch({ type: 'processed', imageId: event.imageId, ...(url ? { thumbnailUrl: url } : {}) });
        // Events carry no reader-signed URLs when published by the backend: read them.
        if (!url) readOutcome(event.imageId).catch(() => undefined);
      } else if (event.status === 'DELETED') {
        dispatch({ type: 'deleted', imageId: event.imageId });
      } else {
        return;
      }
      // The index has changed only now (a deletion, too, is applied by processing after S3's event).
      void client.refetchQueries({ include: ['SearchImages'] });
    },
  });

  const upload = useCallback(
    (key: string) =>
      limit(async () => {
        const file = files.current.get(key);
        if (!file) return;
        dispatch({ type: 'started', key });
        try {
          const ticket = await uploadFile({
            client,
            post: xhrPost,
            file: { name: file.name, type: file.type, size: file.size, blob: file },
            onProgress: (loaded) => dispatch({ type: 'progress', key, loaded }),
          });
          dispatch({ type: 'uploaded', key, imageId: ticket.imageId });
          files.current.delete(key);
        } catch (error) {
          dispatch({ type: 'failed', key, reason: (error as Error).message });
        }
      }),
    [client, limit],
  );

  const add = useCallback(
    (selected: Iterable<File>) => {
      const added = [...selected].map((file) => ({ key: `upload-${nextKey.current++}`, file, problem: uploadProblem(file) }));
      dispatch({ type: 'added', items: added.map(({ key, file, problem }) => ({ key, name: file.name, size: file.size, problem })) });
      for (const { key, file, problem } of added) {
        if (problem) continue;
        files.current.set(key, file);
        void upload(key);
      }
    },
    [upload],
  );

  const retry = useCallback((key: string) => void upload(key), [upload]);
  const clear = useCallback(() => dispatch({ type: 'cleared' }), []);
  const canRetry = useCallback((key: string) => files.current.has(key), []);

  return { items, add, retry, clear, canRetry };
}
