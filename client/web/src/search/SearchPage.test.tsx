// @vitest-environment happy-dom
import { act, cleanup, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApi, type Answer } from '../testing/render.tsx';
import { SearchPage } from './SearchPage.tsx';
import { SEARCH_HINT } from './search-examples.ts';
import { PAGE_SIZE } from './search-state.ts';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const item = (n: number) => ({
  __typename: 'Image',
  id: `img-${n}`,
  fileName: `photo-${n}.jpg`,
  width: 10,
  height: 10,
  format: 'JPEG',
  takenAt: null,
  uploadedAt: '2026-01-01T00:00:00Z',
  status: 'PROCESSED',
  failureReason: null,
  labels: [{ __typename: 'Label', name: 'Dog', confidence: 90 }],
  thumbnails: [{ __typename: 'Thumbnail', size: 160, width: 160, height: 160, format: 'WEBP', square: true, url: `http://s3.test/${n}.webp` }],
});

type InView = (entries: Array<{ isIntersecting: boolean }>) => void;

/** happy-dom never reports an intersection: a stand-in hands the test every observer the page makes, the latest last. */
function stubIntersectionObserver(): InView[] {
  const observers: InView[] = [];
  vi.stubGlobal(
    'IntersectionObserver',
    class {
      constructor(callback: InView) {
        observers.push(callback);
      }
      observe() {}
      disconnect() {}
    },
  );
  return observers;
}

const facet = (value: string, count: number) => ({ __typename: 'FacetCount', value, count });

// Two pages of results; the second page follows cursor "c1". The next page's query
// (SearchImagesPage) selects neither the total nor the facets, so AppSync would send neither.
const answer: Answer = (name, variables) => {
  const page = {
    __typename: 'ImageConnection',
    items: variables.after === 'c1' ? [item(3)] : [item(1), item(2)],
    pageInfo: { __typename: 'PageInfo', hasNextPage: variables.after !== 'c1', endCursor: variables.after === 'c1' ? 'c2' : 'c1' },
  };
  if (name === 'SearchImagesPage') return { searchImages: page };
  const facets = { __typename: 'ImageFacets', labels: [facet('Dog', 3), facet('Beach', 1)], formats: [], cameras: [facet('NEX-3N', 2)], years: [], duplicates: 1 };
  return { searchImages: { ...page, totalCount: 3, facets } };
};

describe('SearchPage', () => {
  it('shows the count and results, suggests labels, and pages on by cursor', async () => {
    const { operations } = renderWithApi(<SearchPage />, { answer });
    expect(await screen.findByText('3 photos')).toBeTruthy();
    expect(screen.getAllByTestId('result')).toHaveLength(2);
    expect(screen.getByRole('img', { name: 'photo-1.jpg: Dog' }).getAttribute('src')).toBe('http://s3.test/1.webp');
    expect([...document.querySelectorAll('#label-suggestions option')].map((option) => option.getAttribute('value'))).toEqual(['Dog', 'Beach']);
    expect(screen.getByLabelText('Search photos').getAttribute('maxlength')).toBe('200');
    expect(screen.getByLabelText('Search photos').getAttribute('placeholder')).toBe(SEARCH_HINT);

    await userEvent.click(screen.getByRole('button', { name: 'Show more (2 of 3)' }));
    await expect.poll(() => screen.getAllByTestId('result')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: /Show more/ })).toBeNull();
    // The next page asks for the page alone, with the search's own variables; the first page's
    // count and facets stay.
    const next = operations.at(-1);
    expect(next).toMatchObject({ name: 'SearchImagesPage', variables: { ...operations[0]?.variables, after: 'c1' } });
    expect(next?.query).not.toMatch(/facets|totalCount/);
    expect(screen.getByText('3 photos')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Beach 1' })).toBeTruthy();
  });

  it('asks for a page once when the end of the grid comes into view twice before React renders again', async () => {
    const observers = stubIntersectionObserver();
    const { operations } = renderWithApi(<SearchPage />, { answer });
    expect(await screen.findByText('3 photos')).toBeTruthy();
    act(() => {
      const inView = observers.at(-1);
      inView?.([{ isIntersecting: true }]);
      inView?.([{ isIntersecting: true }]);
    });
    await expect.poll(() => screen.getAllByTestId('result')).toHaveLength(3);
    expect(operations.filter((operation) => operation.name === 'SearchImagesPage')).toHaveLength(1);
    expect(screen.getAllByTestId('result')).toHaveLength(3);
  });

  it('shows a failed next page, does not retry it on its own, and retries from the button', async () => {
    const observers = stubIntersectionObserver();
    let failures = 1;
    const failingOnce: Answer = (name, variables) => {
      if (name === 'SearchImagesPage' && failures-- > 0) throw new Error('the search engine is unavailable');
      return answer(name, variables);
    };
    const { operations } = renderWithApi(<SearchPage />, { answer: failingOnce });
    expect(await screen.findByText('3 photos')).toBeTruthy();
    const pages = () => operations.filter((operation) => operation.name === 'SearchImagesPage');
    act(() => observers.at(-1)?.([{ isIntersecting: true }]));
    expect((await screen.findByRole('alert')).textContent).toContain('Could not load more photos: the search engine is unavailable');
    // Every render makes a new observer, which reports the end of the grid in view at once.
    for (let i = 0; i < 3; i++) act(() => observers.at(-1)?.([{ isIntersecting: true }]));
    expect(pages()).toHaveLength(1);
    await userEvent.click(screen.getByRole('button', { name: 'Try again (2 of 3)' }));
    await expect.poll(() => screen.getAllByTestId('result')).toHaveLength(3);
    expect(pages()).toHaveLength(2);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('pages on within the filters of the search', async () => {
    const { operations } = renderWithApi(<SearchPage />, { answer });
    await userEvent.click(await screen.findByRole('button', { name: 'Beach 1' }));
    await expect.poll(() => operations.at(-1)?.variables).toMatchObject({ filter: { labels: ['Beach'] } });
    await userEvent.click(await screen.findByRole('button', { name: 'Show more (2 of 3)' }));
    await expect.poll(() => screen.getAllByTestId('result')).toHaveLength(3);
    expect(operations.at(-1)).toMatchObject({ name: 'SearchImagesPage', variables: { filter: { labels: ['Beach'] }, first: PAGE_SIZE, after: 'c1' } });
  });

  it('filters by a label facet and by camera', async () => {
    const { operations } = renderWithApi(<SearchPage />, { answer });
    await userEvent.click(await screen.findByRole('button', { name: 'Beach 1' }));
    await expect.poll(() => operations.at(-1)?.variables).toMatchObject({ filter: { labels: ['Beach'] } });
    expect(screen.getByRole('button', { name: 'Beach 1' }).getAttribute('aria-pressed')).toBe('true');
    await userEvent.selectOptions(screen.getByLabelText('Camera'), 'NEX-3N');
    await expect.poll(() => operations.at(-1)?.variables).toMatchObject({ filter: { labels: ['Beach'], camera: 'NEX-3N' } });
  });

  it('hides copies or shows only them, with their count', async () => {
    const { operations } = renderWithApi(<SearchPage />, { answer });
    await screen.findByText('3 photos');
    const duplicates = screen.getByLabelText('Duplicates');
    expect([...duplicates.querySelectorAll('option')].map((option) => option.textContent)).toEqual(['Show copies', 'Hide copies', 'Only copies (1)']);
    await userEvent.selectOptions(duplicates, 'hide');
    await expect.poll(() => operations.at(-1)?.variables).toMatchObject({ filter: { hideDuplicates: true } });
    await userEvent.selectOptions(duplicates, 'only');
    await expect.poll(() => operations.at(-1)?.variables).toMatchObject({ filter: { onlyDuplicates: true } });
    expect(operations.at(-1)?.variables.filter).not.toHaveProperty('hideDuplicates');
  });
});
