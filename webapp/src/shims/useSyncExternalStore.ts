// wouter imports React's `use-sync-external-store` shim, a CommonJS package: bundled, it pulled
// rolldown's CommonJS runtime into a chunk of its own, one more request before the first screen.
// Preact's compat layer has the hook itself.
export { useSyncExternalStore } from 'preact/compat';
