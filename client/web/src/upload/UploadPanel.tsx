import { useRef, useState, type DragEvent } from 'react';
import { ACCEPTED_CONTENT_TYPES, DEFAULT_MAX_UPLOAD_BYTES } from '../../../src/api/upload.ts';
import { imageHref } from '../use-hash-route.ts';
import { uploadSummary, type UploadItem } from './uploads-state.ts';
import { useUploads } from './use-uploads.ts';

const STATUS_TEXT: Record<UploadItem['status'], string> = {
  waiting: 'Waiting',
  uploading: 'Uploading',
  processing: 'Processing…',
  processed: 'Done',
  failed: 'Failed',
};

/** Drop zone and picker for many files, with one progress bar per file. */
export function UploadPanel() {
  const { items, add, retry, clear, canRetry } = useUploads();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  };

  return (
    <section className="card uploads" aria-labelledby="uploads-title">
      <h2 id="uploads-title">Upload</h2>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <p>Drop photos here, or</p>
        <button type="button" className="primary" onClick={() => input.current?.click()}>
          Choose photos
        </button>
        <input
          ref={input}
          type="file"
          multiple
          accept={ACCEPTED_CONTENT_TYPES.join(',')}
          className="visually-hidden"
          // The button opens it; as a tab stop of its own it would take an invisible focus.
          tabIndex={-1}
          aria-label="Choose photos to upload"
          onChange={(event) => {
            if (event.target.files) add(event.target.files);
            event.target.value = '';
          }}
        />
        <p className="hint">JPEG, PNG, WebP, GIF, AVIF, TIFF or HEIC/HEIF (iPhone photos), up to {Math.round(DEFAULT_MAX_UPLOAD_BYTES / 1024 ** 2)} MB each.</p>
      </div>
      <p role="status" aria-live="polite" className="summary">
        {uploadSummary(items)}
      </p>
      {items.length > 0 && (
        <>
          <ul className="upload-list">
            {items.map((item) => (
              <li key={item.key} className={`upload ${item.status}`} data-testid="upload-item">
                <div className="thumb" aria-hidden="true">
                  {item.thumbnailUrl ? <img src={item.thumbnailUrl} alt="" /> : <span className={item.status === 'processing' ? 'spinner' : ''} />}
                </div>
                <div className="upload-body">
                  <span className="name">
                    {item.imageId && item.status === 'processed' ? <a href={imageHref(item.imageId)}>{item.name}</a> : item.name}
                  </span>
                  {item.status === 'uploading' && (
                    <progress max={item.size} value={item.loaded} aria-label={`Uploading ${item.name}`}>
                      {Math.round((item.loaded / item.size) * 100)}%
                    </progress>
                  )}
                  <span className="status">{STATUS_TEXT[item.status]}</span>
                  {item.reason && <span className="error">{item.reason}</span>}
                </div>
                {item.status === 'failed' && canRetry(item.key) && (
                  <button type="button" onClick={() => retry(item.key)} aria-label={`Retry ${item.name}`}>
                    Retry
                  </button>
                )}
              </li>
            ))}
          </ul>
          <button type="button" className="link" onClick={clear}>
            Clear finished
          </button>
        </>
      )}
    </section>
  );
}
