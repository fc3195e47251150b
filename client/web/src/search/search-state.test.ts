import { describe, expect, it } from 'vitest';
import { EMPTY_FORM, labelsFull, nearProblem, searchVariables, toggleLabel } from './search-state.ts';

describe('searchVariables', () => {
  it('sends nothing for an empty form but the page size', () => {
    expect(searchVariables(EMPTY_FORM)).toEqual({ query: null, filter: {}, first: 24 });
  });

  it('turns every filled-in control into its filter', () => {
    const form = {
      ...toggleLabel(toggleLabel(EMPTY_FORM, 'Dog'), 'Beach'),
      query: '  sunset ',
      takenFrom: '2019-06-01',
      takenTo: '2019-06-30',
      camera: 'NEX-3N',
      faces: 'with' as const,
      duplicates: 'hide' as const,
      nearLat: '45.76',
      nearLon: '4.84',
      nearKm: '25',
      sort: 'TAKEN' as const,
    };
    expect(searchVariables(form)).toEqual({
      query: 'sunset',
      first: 24,
      sort: 'TAKEN',
      filter: {
        labels: ['Dog', 'Beach'],
        takenAfter: '2019-06-01T00:00:00.000Z',
        takenBefore: '2019-06-30T23:59:59.999Z',
        camera: 'NEX-3N',
        hasFaces: true,
        hideDuplicates: true,
        near: { lat: 45.76, lon: 4.84, radiusKm: 25 },
      },
    });
    expect(searchVariables({ ...EMPTY_FORM, duplicates: 'only' }).filter).toEqual({ onlyDuplicates: true });
  });

  it('ignores an impossible place and says why', () => {
    const form = { ...EMPTY_FORM, nearLat: '95', nearLon: '4' };
    expect(searchVariables(form).filter).toEqual({});
    expect(nearProblem(form)).toMatch(/latitude \(-90 to 90\)/);
    expect(nearProblem(EMPTY_FORM)).toBeNull();
  });

  it('toggles labels off again', () => {
    expect(toggleLabel(toggleLabel(EMPTY_FORM, 'Dog'), 'Dog').labels).toEqual([]);
  });

  it('is full at the 10 labels the API takes', () => {
    const nine = { ...EMPTY_FORM, labels: Array.from({ length: 9 }, (_, i) => `L${i}`) };
    expect(labelsFull(nine)).toBe(false);
    expect(labelsFull(toggleLabel(nine, 'Dog'))).toBe(true);
  });
});
