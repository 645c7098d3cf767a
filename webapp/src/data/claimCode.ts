import type { Transfer } from '../api';

/**
 * The claim code the giver's screen shows after a `transfer.updated` event. `current` is what
 * the screen made or last heard (null before that), `server` the live code the server showed
 * again. An event about any other transfer changes nothing — notably the old code's
 * `cancelled`, which can arrive after "replace" has already put the new code in place. The
 * event never carries the secret, so the token and link of the code shown are kept.
 */
export function claimCodeAfterEvent(current: Transfer | null, server: Transfer | null, event: Transfer): Transfer | null {
  const shown = current ?? server;
  if (!shown || shown.id !== event.id) return current;
  return { ...shown, ...event, claim_token: shown.claim_token, deep_link: shown.deep_link };
}
