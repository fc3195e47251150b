import { INPUT_LIMITS } from '../../../../resolvers/lib/inputLimits.ts';
import type { SearchImagesQuery } from '../../../src/generated/graphql.ts';
import { nearProblem, type SearchForm } from './search-state.ts';

interface FiltersProps {
  form: SearchForm;
  onChange: (form: SearchForm) => void;
  facets: SearchImagesQuery['searchImages']['facets'] | undefined;
}

/** Date range, camera, faces, duplicates, place and sort; every control labelled. */
export function Filters({ form, onChange, facets }: FiltersProps) {
  const set = (change: Partial<SearchForm>) => onChange({ ...form, ...change });
  const placeProblem = nearProblem(form);
  const locate = () =>
    navigator.geolocation.getCurrentPosition((position) =>
      set({ nearLat: position.coords.latitude.toFixed(4), nearLon: position.coords.longitude.toFixed(4) }),
    );
  return (
    <details className="filters">
      <summary>Filters and sort</summary>
      <div className="filter-grid">
        <label>
          Taken from
          <input type="date" value={form.takenFrom} onChange={(event) => set({ takenFrom: event.target.value })} />
        </label>
        <label>
          Taken until
          <input type="date" value={form.takenTo} onChange={(event) => set({ takenTo: event.target.value })} />
        </label>
        <label>
          Camera
          <select value={form.camera} onChange={(event) => set({ camera: event.target.value })}>
            <option value="">Any camera</option>
            {facets?.cameras.map((facet) => (
              <option key={facet.value} value={facet.value}>
                {facet.value} ({facet.count})
              </option>
            ))}
          </select>
        </label>
        <label>
          Faces
          <select value={form.faces} onChange={(event) => set({ faces: event.target.value as SearchForm['faces'] })}>
            <option value="">With or without</option>
            <option value="with">With faces</option>
            <option value="without">Without faces</option>
          </select>
        </label>
        <label>
          Duplicates
          <select value={form.duplicates} onChange={(event) => set({ duplicates: event.target.value as SearchForm['duplicates'] })}>
            <option value="">Show copies</option>
            <option value="hide">Hide copies</option>
            <option value="only">Only copies{facets ? ` (${facets.duplicates})` : ''}</option>
          </select>
        </label>
        <label>
          Sort
          <select value={form.sort} onChange={(event) => set({ sort: event.target.value as SearchForm['sort'] })}>
            <option value="">Best match</option>
            <option value="NEWEST">Newest upload</option>
            <option value="OLDEST">Oldest upload</option>
            <option value="TAKEN">Date taken</option>
          </select>
        </label>
        <fieldset className="near">
          <legend>Near a place</legend>
          <label>
            Latitude
            <input inputMode="decimal" value={form.nearLat} onChange={(event) => set({ nearLat: event.target.value })} />
          </label>
          <label>
            Longitude
            <input inputMode="decimal" value={form.nearLon} onChange={(event) => set({ nearLon: event.target.value })} />
          </label>
          <label>
            Within km
            <input type="number" min="1" max={INPUT_LIMITS.near.maxRadiusKm} value={form.nearKm} onChange={(event) => set({ nearKm: event.target.value })} />
          </label>
          {'geolocation' in navigator && (
            <button type="button" onClick={locate}>
              Use my location
            </button>
          )}
          {placeProblem && <p className="error">{placeProblem}</p>}
        </fieldset>
        {form.labels.length > 0 && (
          <p>
            Labels: {form.labels.join(', ')}{' '}
            <button type="button" className="link" onClick={() => set({ labels: [] })}>
              clear
            </button>
          </p>
        )}
      </div>
    </details>
  );
}
