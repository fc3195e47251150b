import { useSyncExternalStore } from 'react';

/** The open image, from the URL hash (#/image/<id>), so detail views can be linked and go back. */
export function useOpenImageId(): string | null {
  const hash = useSyncExternalStore(
    (onChange) => {
      window.addEventListener('hashchange', onChange);
      return () => window.removeEventListener('hashchange', onChange);
    },
    () => window.location.hash,
  );
  const match = /^#\/image\/(.+)$/.exec(hash);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

export const imageHref = (id: string) => `#/image/${encodeURIComponent(id)}`;

export function closeImage(): void {
  if (window.location.hash) window.location.hash = '';
}
