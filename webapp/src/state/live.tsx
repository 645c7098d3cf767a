import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { API_BASE, tokens } from '../api';
import type { EventOf, EventType } from '../api';
import { useQueryClient } from '@tanstack/react-query';
import { applyLiveEvent } from '../data/liveCache';
import { LiveClient, socketUrl, type LiveStatus } from '../ws/LiveClient';

const LiveContext = createContext<LiveClient | null>(null);

/**
 * One WebSocket for the signed-in app (mounted behind the sign-in gate, so it
 * authenticates from the start and closes on sign-out).
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new LiveClient({
        url: () => socketUrl(API_BASE, window.location),
        getToken: () => tokens.validAccess(),
        onUnauthorized: () => tokens.refresh(),
      }),
  );

  const queryClient = useQueryClient();
  // Subscribed before start(), so not even a replayed event misses the cache.
  useEffect(() => client.subscribe((e) => applyLiveEvent(queryClient, e)), [client, queryClient]);

  useEffect(() => {
    client.start();
    const nudge = () => document.visibilityState === 'visible' && client.nudge();
    window.addEventListener('online', nudge);
    document.addEventListener('visibilitychange', nudge);
    return () => {
      window.removeEventListener('online', nudge);
      document.removeEventListener('visibilitychange', nudge);
      client.stop();
    };
  }, [client]);

  return <LiveContext.Provider value={client}>{children}</LiveContext.Provider>;
}

function useLiveClient(): LiveClient {
  const client = useContext(LiveContext);
  if (!client) throw new Error('useLiveClient outside LiveProvider');
  return client;
}

/** Calls `handler` for every live event whose type is in `types`. */
export function useLiveEvents<T extends EventType>(
  types: readonly T[],
  handler: (e: EventOf<T>) => void,
): void {
  const client = useLiveClient();
  const ref = useRef(handler);
  ref.current = handler;
  const key = types.join(',');
  useEffect(() => {
    const wanted = new Set(key.split(','));
    return client.subscribe((e) => wanted.has(e.type) && ref.current(e as EventOf<T>));
  }, [client, key]);
}

/**
 * What the live indicator shows: the socket's state, except that the browser's word that the
 * connection is gone counts at once ('offline') — a dead socket can take a minute to notice.
 */
export function useLiveStatus(): LiveStatus | 'offline' {
  const client = useLiveClient();
  const [status, setStatus] = useState(client.currentStatus);
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    setStatus(client.currentStatus);
    return client.onStatus(setStatus);
  }, [client]);
  useEffect(() => {
    const sync = () => setOnline(navigator.onLine);
    window.addEventListener('online', sync);
    window.addEventListener('offline', sync);
    return () => {
      window.removeEventListener('online', sync);
      window.removeEventListener('offline', sync);
    };
  }, []);
  return online ? status : 'offline';
}
