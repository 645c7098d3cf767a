import { navigate as browserNavigate, useBrowserLocation } from 'wouter/use-browser-location';

/**
 * Every in-app navigation records its depth in `history.state`, so "back"
 * knows whether there is an in-app page to return to. A deep link opened
 * from a QR code has depth 0: back then goes to the gallery instead of
 * leaving the app.
 */
function currentDepth(): number {
  const depth = (window.history.state as { depth?: unknown } | null)?.depth;
  return typeof depth === 'number' ? depth : 0;
}

export function navigate(to: string, opts: { replace?: boolean; state?: object } = {}): void {
  const depth = opts.replace ? currentDepth() : currentDepth() + 1;
  browserNavigate(to, { replace: opts.replace, state: { ...opts.state, depth } });
}

/** The location hook given to wouter's <Router>. */
export function useAppLocation(): [string, typeof navigate] {
  const [location] = useBrowserLocation();
  return [location, navigate];
}

export function goBack(): void {
  if (currentDepth() > 0) window.history.back();
  else navigate('/', { replace: true });
}

