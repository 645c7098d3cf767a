/**
 * The first gallery page, the one request the first screen waits for. index.html asks for it
 * with `<link rel="preload" as="fetch">` (added by vite.config.ts from this module), so it is
 * under way while the scripts download instead of after they ran; `photosApi.listPublic` then
 * sends the identical request (same URL, no header of ours: client.ts `PRELOADED`) and the
 * browser hands it the preloaded response. firstPage.test.ts keeps the two identical.
 */
export const FIRST_PAGE = 24;

export function firstPageUrl(apiBase: string): string {
  return `${apiBase}/photos?limit=${FIRST_PAGE}`;
}

/** The tag vite.config.ts puts into index.html's head. */
export function firstPagePreload(apiBase: string): string {
  return `<link rel="preload" href="${firstPageUrl(apiBase)}" as="fetch" crossorigin>`;
}
