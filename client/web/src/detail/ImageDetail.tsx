import type { ApolloCache, Reference } from '@apollo/client';
import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { DeleteImageDocument, ImageDocument } from '../../../src/generated/graphql.ts';
import { closeImage, imageHref } from '../use-hash-route.ts';
import { detectionBoxes, exifRows, mapUrl } from './boxes.ts';
import { SimilarPhotos } from './SimilarPhotos.tsx';

/** One image: boxes over what was detected, labels, text, EXIF, place, duplicates, delete, similar photos. */
export function ImageDetail({ id }: { id: string }) {
  const { data, loading, error } = useQuery(ImageDocument, { variables: { id }, fetchPolicy: 'cache-and-network' });
  // The search index drops the image only when processing has seen S3's removal (the DELETED event
  // makes the app refetch then); a refetch now would still find it, so the cached results drop it.
  const [deleteImage, deletion] = useMutation(DeleteImageDocument, {
    update: (cache, { data: deleted }) => {
      if (deleted?.deleteImage) removeFromSearchResults(cache, deleted.deleteImage);
    },
  });
  const [showBoxes, setShowBoxes] = useState(true);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal?.();
  }, []);

  const image = data?.image;
  // Browsers cannot display HEIC/HEIF originals (Safari aside): those show their thumbnails only.
  const displayableOriginal = image?.format === 'HEIC' || image?.format === 'HEIF' ? undefined : image?.originalUrl;
  const large = image?.thumbnails.filter((thumbnail) => !thumbnail.square && thumbnail.url).at(-1)?.url ?? displayableOriginal ?? undefined;
  const boxes = image ? detectionBoxes(image) : [];

  const remove = async () => {
    if (!image || !window.confirm(`Delete ${image.fileName}? This cannot be undone.`)) return;
    await deleteImage({ variables: { id: image.id } });
    closeImage();
  };

  return (
    <dialog ref={dialog} className="detail" aria-labelledby="detail-title" onClose={closeImage} onCancel={closeImage}>
      {/* Closing the dialog itself (its close event clears the route) gives the focus back. */}
      <button type="button" className="close" onClick={() => dialog.current?.close()} aria-label="Close">
        ×
      </button>
      {loading && !image && <p role="status">Loading…</p>}
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {!loading && !error && !image && <p role="alert">This image does not exist or was deleted.</p>}
      {image && (
        <div className="detail-body">
          <figure className="stage">
            {large ? <img src={large} alt={image.fileName} /> : <div className="placeholder">{image.status === 'FAILED' ? 'Failed' : 'Processing…'}</div>}
            {showBoxes && (
              <svg viewBox="0 0 1 1" preserveAspectRatio="none" className="boxes" role="img" aria-label={`${boxes.length} detected objects and faces`}>
                {boxes.map((box, index) => (
                  <rect key={index} className={box.kind} x={box.left} y={box.top} width={box.width} height={box.height} vectorEffect="non-scaling-stroke">
                    <title>{`${box.label} ${Math.round(box.confidence)}%`}</title>
                  </rect>
                ))}
              </svg>
            )}
          </figure>
          <div className="facts">
            <h2 id="detail-title">{image.fileName}</h2>
            {image.status === 'FAILED' && <p className="error">Processing failed: {image.failureReason}</p>}
            {image.status === 'PROCESSING' && <p>Still processing…</p>}
            {boxes.length > 0 && (
              <label className="inline">
                <input type="checkbox" checked={showBoxes} onChange={(event) => setShowBoxes(event.target.checked)} /> Show boxes ({boxes.length})
              </label>
            )}
            {image.labels.length > 0 && (
              <>
                <h3>Labels</h3>
                <ul className="labels">
                  {image.labels.map((label) => (
                    <li key={label.name}>
                      {label.name} <span className="count">{label.confidence.toFixed(1)}%</span>
                    </li>
                  ))}
                </ul>
              </>
            )}
            {image.faces && image.faces.count > 0 && <p>{image.faces.count === 1 ? '1 face' : `${image.faces.count} faces`}</p>}
            {image.detectedText.length > 0 && (
              <>
                <h3>Text in the image</h3>
                <blockquote className="text">{image.detectedText.join('\n')}</blockquote>
              </>
            )}
            <h3>Details</h3>
            <table className="exif">
              <tbody>
                {exifRows(image).map(([name, value]) => (
                  <tr key={name}>
                    <th scope="row">{name}</th>
                    <td>{value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {image.location && (
              <p>
                <a href={mapUrl(image.location.lat, image.location.lon)} target="_blank" rel="noreferrer">
                  Show the place on a map ({image.location.lat.toFixed(4)}, {image.location.lon.toFixed(4)})
                </a>
              </p>
            )}
            {image.duplicateOf && (
              <p>
                Same file as <a href={imageHref(image.duplicateOf)}>an earlier upload</a>.
              </p>
            )}
            {image.nearDuplicateOf && (
              <p>
                A copy (re-encoded or resized) of <a href={imageHref(image.nearDuplicateOf)}>an earlier upload</a>.
              </p>
            )}
            <div className="actions">
              {image.originalUrl && (
                <a href={image.originalUrl} download={image.fileName}>
                  Download original
                </a>
              )}
              <button type="button" className="danger" onClick={() => void remove()} disabled={deletion.loading}>
                {deletion.loading ? 'Deleting…' : 'Delete'}
              </button>
            </div>
            {deletion.error && (
              <p role="alert" className="error">
                Could not delete: {deletion.error.message}
              </p>
            )}
            {image.status === 'PROCESSED' && <SimilarPhotos id={image.id} />}
          </div>
        </div>
      )}
    </dialog>
  );
}

/** Every cached page of search results without image `id`, counted one less. */
function removeFromSearchResults(cache: ApolloCache, id: string): void {
  cache.modify<{ searchImages: { items: Reference[]; totalCount: number } }>({
    fields: {
      searchImages: (existing, { readField }) => {
        if (!existing || typeof existing !== 'object' || !('items' in existing)) return existing;
        const items = existing.items.filter((item) => readField('id', item) !== id);
        if (items.length === existing.items.length) return existing;
        return { ...existing, items, totalCount: Math.max(0, existing.totalCount - 1) };
      },
    },
  });
}
