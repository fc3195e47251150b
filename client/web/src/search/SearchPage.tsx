import { useQuery } from '@apollo/client/react';
import { useDeferredValue, useEffect, useRef, useState } from 'react';
import { INPUT_LIMITS } from '../../../../resolvers/lib/inputLimits.ts';
import { SearchImagesDocument, SearchImagesPageDocument } from '../../../src/generated/graphql.ts';
import { thumbnailUrl } from '../upload/use-uploads.ts';
import { imageHref } from '../use-hash-route.ts';
import { Filters } from './Filters.tsx';
import { SEARCH_HINT } from './search-examples.ts';
import { EMPTY_FORM, labelsFull, searchVariables, toggleLabel, type SearchForm } from './search-state.ts';

/** Search box, filters and an infinitely scrolling result grid. */
export function SearchPage() {
  const [form, setForm] = useState<SearchForm>(EMPTY_FORM);
  const deferred = useDeferredValue(form);
  const variables = searchVariables(deferred);
  const { data, error, loading, fetchMore } = useQuery(SearchImagesDocument, { variables, notifyOnNetworkStatusChange: true });
  const result = data?.searchImages;
  const sentinel = useRef<HTMLDivElement>(null);
  // The page on its way, or the one that failed, by search and cursor. A ref, not state: the
  // observer and the button can both call loadMore before React renders again, and state read in
  // that closure would still say idle. A failed page stays here, so the observer (made anew on
  // every render, so in view at once) does not retry it in a loop; the button does.
  const pagingFrom = useRef<{ search: string; cursor: string } | null>(null);
  const [pageError, setPageError] = useState<{ search: string; message: string } | null>(null);
  const [pageLoading, setPageLoading] = useState<{ search: string; cursor: string } | null>(null);
  const search = JSON.stringify(variables);
  const loadingMore = pageLoading?.search === search;

  const loadMore = (retry = false) => {
    const cursor = result?.pageInfo.endCursor;
    if (!result?.pageInfo.hasNextPage || !cursor) return;
    const from = pagingFrom.current;
    const failedHere = pageError?.search === search;
    if (from?.search === search && from.cursor === cursor && !(retry && failedHere && !loadingMore)) return;
    const request = { search, cursor };
    pagingFrom.current = request;
    setPageError(null);
    setPageLoading(request);
    // The next page alone (SearchImagesPage): the first page's facets and total stay. With a
    // query of its own, fetchMore sends only the variables given here, so the search's are repeated.
    fetchMore({
      query: SearchImagesPageDocument,
      variables: { ...variables, after: cursor },
      updateQuery: (previous, { fetchMoreResult }) => ({
        searchImages: {
          ...previous.searchImages,
          items: [...previous.searchImages.items, ...fetchMoreResult.searchImages.items],
          pageInfo: fetchMoreResult.searchImages.pageInfo,
        },
      }),
    }).then(
      () => {
        // A page of an earlier search may arrive after a new one started its own: it leaves that one's state alone.
        setPageLoading((loading) => (loading === request ? null : loading));
        if (pagingFrom.current === request) pagingFrom.current = null;
      },
      (failure: unknown) => {
        setPageLoading((loading) => (loading === request ? null : loading));
        if (pagingFrom.current === request) setPageError({ search, message: failure instanceof Error ? failure.message : String(failure) });
      },
    );
  };

  // Infinite scroll: the next page loads when the end of the grid comes into view.
  useEffect(() => {
    const target = sentinel.current;
    if (!target || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) loadMore();
    });
    observer.observe(target);
    return () => observer.disconnect();
  });

  const labelFacets = result?.facets.labels ?? [];
  return (
    <section className="card search" aria-labelledby="search-title">
      <h2 id="search-title">Your photos</h2>
      <form role="search" onSubmit={(event) => event.preventDefault()}>
        <label className="search-box">
          <span className="visually-hidden">Search photos</span>
          <input
            type="search"
            placeholder={SEARCH_HINT}
            maxLength={INPUT_LIMITS.query.maxLength}
            list="label-suggestions"
            value={form.query}
            onChange={(event) => setForm({ ...form, query: event.target.value })}
          />
        </label>
        <datalist id="label-suggestions">
          {labelFacets.map((facet) => (
            <option key={facet.value} value={facet.value} />
          ))}
        </datalist>
        <Filters form={form} onChange={setForm} facets={result?.facets} />
      </form>
      {labelFacets.length > 0 && (
        <div className="facets" role="group" aria-label="Filter by label">
          {labelFacets.slice(0, 12).map((facet) => (
            <button
              type="button"
              key={facet.value}
              className={`chip${form.labels.includes(facet.value) ? ' selected' : ''}`}
              aria-pressed={form.labels.includes(facet.value)}
              disabled={!form.labels.includes(facet.value) && labelsFull(form)}
              onClick={() => setForm(toggleLabel(form, facet.value))}
            >
              {facet.value} <span className="count">{facet.count}</span>
            </button>
          ))}
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          Search failed: {error.message}
        </p>
      )}
      <p role="status" aria-live="polite" className="summary">
        {result ? `${result.totalCount} ${result.totalCount === 1 ? 'photo' : 'photos'}` : loading ? 'Searching…' : ''}
      </p>
      <ul className="grid">
        {result?.items.map((image) => {
          const url = thumbnailUrl(image.thumbnails);
          const labels = image.labels.slice(0, 3).map((label) => label.name);
          return (
            <li key={image.id} data-testid="result">
              <a href={imageHref(image.id)} className="tile">
                {url ? <img src={url} alt={labels.length ? `${image.fileName}: ${labels.join(', ')}` : image.fileName} loading="lazy" /> : <span className="placeholder">{image.status === 'FAILED' ? 'Failed' : 'Processing…'}</span>}
                <span className="caption">{image.fileName}</span>
              </a>
            </li>
          );
        })}
      </ul>
      <div ref={sentinel} />
      {pageError?.search === search && (
        <p role="alert" className="error">
          Could not load more photos: {pageError.message}
        </p>
      )}
      {result?.pageInfo.hasNextPage && (
        <button type="button" onClick={() => loadMore(true)} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : `${pageError?.search === search ? 'Try again' : 'Show more'} (${result.items.length} of ${result.totalCount})`}
        </button>
      )}
    </section>
  );
}
