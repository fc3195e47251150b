import { useQuery } from '@apollo/client/react';
import { SimilarImagesDocument } from '../../../src/generated/graphql.ts';
import { thumbnailUrl } from '../upload/use-uploads.ts';
import { imageHref } from '../use-hash-route.ts';

/** How many similar photos the strip shows. */
export const SIMILAR_STRIP_SIZE = 12;

/** The photos most like this one (similarImages), as thumbnails; a click opens that photo. */
export function SimilarPhotos({ id }: { id: string }) {
  const { data, error } = useQuery(SimilarImagesDocument, { variables: { id, first: SIMILAR_STRIP_SIZE }, fetchPolicy: 'cache-and-network' });
  if (error) {
    return (
      <p role="alert" className="error">
        Could not find similar photos: {error.message}
      </p>
    );
  }
  const items = data?.similarImages.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="similar" aria-labelledby="similar-title">
      <h3 id="similar-title">Similar photos</h3>
      <ul className="similar-strip">
        {items.map((item) => {
          const url = thumbnailUrl(item.thumbnails);
          return (
            <li key={item.id}>
              <a href={imageHref(item.id)} title={item.fileName}>
                {url ? <img src={url} alt={item.fileName} loading="lazy" /> : <span className="placeholder">{item.fileName}</span>}
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
