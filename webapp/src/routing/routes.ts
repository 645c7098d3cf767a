/** Top-level tabs: no back button on these. */
export const TAB_PATHS = ['/', '/me', '/upload', '/trades', '/settings'] as const;

export function isTabPath(path: string): boolean {
  return (TAB_PATHS as readonly string[]).includes(path);
}
