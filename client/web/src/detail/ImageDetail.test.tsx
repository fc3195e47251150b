// @vitest-environment happy-dom
import { cleanup, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { image } from '../testing/images.ts';
import { renderWithApi, type Answer } from '../testing/render.tsx';
import { SearchPage } from '../search/SearchPage.tsx';
import { ImageDetail } from './ImageDetail.tsx';
import { SIMILAR_STRIP_SIZE } from './SimilarPhotos.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const summary = (id: string, fileName: string) => ({
  ...image,
  id,
  fileName,
  labels: [],
  thumbnails: [{ __typename: 'Thumbnail', size: 160, width: 160, height: 160, format: 'WEBP', square: true, url: `http://s3.test/${id}.webp` }],
});
const results = {
  searchImages: {
    __typename: 'ImageConnection',
    items: [summary('img-1', 'dog.jpg'), summary('img-2', 'cat.jpg')],
    totalCount: 2,
    pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
    facets: { __typename: 'ImageFacets', labels: [], formats: [], cameras: [], years: [], duplicates: 0 },
  },
};

const similar = (...items: ReturnType<typeof summary>[]) => ({ similarImages: { __typename: 'ImageConnection', items, totalCount: items.length } });

const answer: Answer = (name) =>
  name === 'Image' ? { image } : name === 'DeleteImage' ? { deleteImage: 'img-1' } : name === 'SimilarImages' ? similar() : { searchImages: null };

describe('ImageDetail', () => {
  it('draws a box per object and face, and lists labels, text, EXIF, place and duplicate', async () => {
    const { container } = renderWithApi(<ImageDetail id="img-1" />, { answer });
    expect(await screen.findByRole('heading', { name: 'dog.jpg' })).toBeTruthy();
    expect(screen.getByRole('img', { name: '2 detected objects and faces' })).toBeTruthy();
    expect([...container.querySelectorAll('rect')].map((rect) => [rect.getAttribute('class'), rect.textContent])).toEqual([
      ['object', 'Dog 97%'],
      ['face', 'Face 99%'],
    ]);
    expect(screen.getByText('97.5%')).toBeTruthy();
    expect(screen.getByText('GOOD BOY')).toBeTruthy();
    expect(screen.getByRole('row', { name: 'Exposure 1/250 s' })).toBeTruthy();
    expect(screen.getByRole('link', { name: /Show the place on a map/ }).getAttribute('href')).toContain('mlat=45.76');
    expect(screen.getByRole('link', { name: 'an earlier upload' }).getAttribute('href')).toBe('#/image/img-0');
    await userEvent.click(screen.getByLabelText(/Show boxes/));
    expect(container.querySelectorAll('rect')).toHaveLength(0);
  });

  it('deletes after confirmation', async () => {
    const confirm = vi.fn(() => true);
    vi.stubGlobal('confirm', confirm);
    const { operations } = renderWithApi(
      <>
        <SearchPage />
        <ImageDetail id="img-1" />
      </>,
      { answer: (name, variables) => (name === 'SearchImages' ? results : answer(name, variables)) },
    );
    expect(await screen.findByText('2 photos')).toBeTruthy();
    await userEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    await expect.poll(() => operations.find((operation) => operation.name === 'DeleteImage')?.variables).toEqual({ id: 'img-1' });
    expect(confirm).toHaveBeenCalledWith('Delete dog.jpg? This cannot be undone.');
    // Gone from the results at once, without asking the index, which drops it only after processing.
    expect(await screen.findByText('1 photo')).toBeTruthy();
    expect(screen.getAllByTestId('result').map((result) => result.textContent)).toEqual(['cat.jpg']);
    expect(operations.filter((operation) => operation.name === 'SearchImages')).toHaveLength(1);
  });

  it('shows an HEIC by its largest thumbnail, and never puts the HEIC original in an <img>', async () => {
    const heic = { ...image, fileName: 'IMG_0001.HEIC', format: 'HEIC', contentType: 'image/heic', originalUrl: 'http://s3.test/original.heic' };
    const { unmount } = renderWithApi(<ImageDetail id="img-1" />, { answer: (name, variables) => (name === 'Image' ? { image: heic } : answer(name, variables)) });
    expect((await screen.findByRole('img', { name: 'IMG_0001.HEIC' })).getAttribute('src')).toBe('http://s3.test/1280.webp');
    unmount();
    renderWithApi(<ImageDetail id="img-1" />, { answer: (name, variables) => (name === 'Image' ? { image: { ...heic, thumbnails: [] } } : answer(name, variables)) });
    expect(await screen.findByText('Processing…')).toBeTruthy();
    expect(screen.queryByRole('img', { name: 'IMG_0001.HEIC' })).toBeNull();
  });

  it('shows a strip of similar photos whose thumbnails open them', async () => {
    const { operations } = renderWithApi(<ImageDetail id="img-1" />, {
      answer: (name, variables) => (name === 'SimilarImages' ? similar(summary('img-7', 'dog-copy.jpg'), summary('img-3', 'dog-park.jpg')) : answer(name, variables)),
    });
    const strip = await screen.findByRole('region', { name: 'Similar photos' });
    const links = within(strip).getAllByRole('link');
    expect(links.map((link) => [link.getAttribute('href'), link.querySelector('img')?.getAttribute('src'), link.querySelector('img')?.getAttribute('alt')])).toEqual([
      ['#/image/img-7', 'http://s3.test/img-7.webp', 'dog-copy.jpg'],
      ['#/image/img-3', 'http://s3.test/img-3.webp', 'dog-park.jpg'],
    ]);
    expect(operations.find((operation) => operation.name === 'SimilarImages')?.variables).toEqual({ id: 'img-1', first: SIMILAR_STRIP_SIZE });
    await userEvent.click(links[0]!);
    expect(window.location.hash).toBe('#/image/img-7');
  });

  it('shows no strip when nothing is similar, nor for an image still processing (not even asking)', async () => {
    const { operations, unmount } = renderWithApi(<ImageDetail id="img-1" />, { answer });
    expect(await screen.findByRole('heading', { name: 'dog.jpg' })).toBeTruthy();
    await expect.poll(() => operations.some((operation) => operation.name === 'SimilarImages')).toBe(true);
    expect(screen.queryByRole('region', { name: 'Similar photos' })).toBeNull();
    unmount();
    const processing = renderWithApi(<ImageDetail id="img-1" />, { answer: (name, variables) => (name === 'Image' ? { image: { ...image, status: 'PROCESSING' } } : answer(name, variables)) });
    expect(await screen.findByText('Still processing…')).toBeTruthy();
    expect(processing.operations.some((operation) => operation.name === 'SimilarImages')).toBe(false);
  });

  it('says so when similar photos cannot be found', async () => {
    renderWithApi(<ImageDetail id="img-1" />, {
      answer: (name, variables) => {
        if (name === 'SimilarImages') throw new Error('No image img-1');
        return answer(name, variables);
      },
    });
    expect((await screen.findByRole('alert')).textContent).toBe('Could not find similar photos: No image img-1');
  });

  it('links a near-duplicate to the photo it is a copy of', async () => {
    renderWithApi(<ImageDetail id="img-1" />, { answer: (name, variables) => (name === 'Image' ? { image: { ...image, duplicateOf: null, nearDuplicateOf: 'img-0' } } : answer(name, variables)) });
    expect((await screen.findByText(/A copy \(re-encoded or resized\) of/)).textContent).toBe('A copy (re-encoded or resized) of an earlier upload.');
    expect(screen.getByRole('link', { name: 'an earlier upload' }).getAttribute('href')).toBe('#/image/img-0');
    expect(screen.queryByText(/Same file as/)).toBeNull();
  });

  it('says so when the image does not exist', async () => {
    renderWithApi(<ImageDetail id="nope" />, { answer: () => ({ image: null }) });
    expect((await screen.findByRole('alert')).textContent).toBe('This image does not exist or was deleted.');
  });
});
