// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { Transfer } from '../api';
import { claimCodeAfterEvent } from './claimCode';

const anna = { id: 1, display_name: 'Анна', avatar_url: null };
const boris = { id: 2, display_name: 'Борис', avatar_url: null };
const code = (id: number, over: Partial<Transfer> = {}): Transfer => ({
  id,
  photo: null,
  from_user: anna,
  to_user: null,
  status: 'pending',
  claim_token: `token-${id}`,
  deep_link: `https://max.ru/bot?startapp=claim_token-${id}`,
  expires_at: '2026-12-08T00:00:00Z',
  created_at: '2026-12-07T00:00:00Z',
  completed_at: null,
  note: '',
  note_hidden: false,
  ...over,
});
// What the live event carries: the transfer without its secret.
const event = (id: number, over: Partial<Transfer> = {}): Transfer => ({ ...code(id, over), claim_token: null, deep_link: null });

describe('the giver’s claim code after a live event', () => {
  it('keeps the new code when the replaced one’s "cancelled" arrives after the reply', () => {
    const replacement = code(2);
    expect(claimCodeAfterEvent(replacement, code(1), event(1, { status: 'cancelled' }))).toBe(replacement);
  });

  it('shows the claim on the code made on this screen, keeping its link', () => {
    const next = claimCodeAfterEvent(code(1), null, event(1, { status: 'completed', to_user: boris }));
    expect(next).toMatchObject({ id: 1, status: 'completed', to_user: boris, claim_token: 'token-1' });
  });

  it('applies to the code the server showed again when this screen made none', () => {
    const next = claimCodeAfterEvent(null, code(3), event(3, { status: 'cancelled' }));
    expect(next).toMatchObject({ id: 3, status: 'cancelled', deep_link: code(3).deep_link });
  });

  it('ignores events about other transfers and events with no code shown', () => {
    expect(claimCodeAfterEvent(null, code(3), event(4))).toBeNull();
    expect(claimCodeAfterEvent(null, null, event(4))).toBeNull();
  });
});
