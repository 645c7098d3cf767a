import { createElement, useSyncExternalStore, type ComponentType, type ReactElement } from 'react';

/**
 * A lazily loaded screen that never leaves a white page behind: the import is retried (the
 * connection may come back within seconds), and when it still fails the error reaches the
 * route's boundary (ScreenBoundary), which offers "No connection — retry" inside the app's
 * chrome; `reset()` lets that retry import again. (React.lazy keeps a failed import forever.)
 * `preload()` fetches the code ahead: the signed-in app calls it for every screen once the
 * first one has painted, so a connection lost later costs no screen.
 */
export type LazyScreen<P> = ((props: P) => ReactElement) & { preload(): Promise<unknown> };

type Loader<P> = () => Promise<{ default: ComponentType<P> }>;

const RETRY_DELAYS_MS = [400, 1200];
const failed = new Set<() => void>();

/** Forget every failed import, so the next render tries again (the boundary's retry). */
export function retryFailedScreens(): void {
  for (const reset of [...failed]) reset();
}

/** Chromium, Firefox and Safari word it differently; all of these mean the code did not arrive. */
export function isChunkLoadError(err: unknown): boolean {
  const text = err instanceof Error ? `${err.name} ${err.message}` : String(err);
  return /dynamically imported module|module script|Importing a module script failed|ChunkLoadError|Failed to fetch/i.test(text);
}

async function withRetries<T>(load: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await load();
    } catch (err) {
      if (attempt >= RETRY_DELAYS_MS.length) throw err;
      await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]));
    }
  }
}

export function lazyScreen<P extends object>(loader: Loader<P>): LazyScreen<P> {
  let state:
    | { status: 'idle' }
    | { status: 'loading'; promise: Promise<unknown> }
    | { status: 'ready'; component: ComponentType<P> }
    | { status: 'failed'; error: unknown } = { status: 'idle' };
  const listeners = new Set<() => void>();
  const reset = () => {
    failed.delete(reset);
    state = { status: 'idle' };
    listeners.forEach((l) => l());
  };

  const load = (): Promise<unknown> => {
    if (state.status === 'loading') return state.promise;
    if (state.status === 'ready') return Promise.resolve();
    const promise = withRetries(loader).then(
      (m) => {
        state = { status: 'ready', component: m.default };
      },
      (error: unknown) => {
        state = { status: 'failed', error };
        failed.add(reset);
      },
    );
    state = { status: 'loading', promise };
    return promise;
  };

  function Screen(props: P): ReactElement {
    // Re-render after a reset, so a retry tries the import again.
    useSyncExternalStore(
      (l) => (listeners.add(l), () => listeners.delete(l)),
      () => state,
    );
    if (state.status === 'ready') return createElement(state.component, props);
    if (state.status === 'failed') throw state.error;
    throw load(); // Suspense shows the fallback until the code is here
  }
  return Object.assign(Screen, { preload: load });
}
