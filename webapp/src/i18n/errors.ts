/**
 * Backend errors → the user's language. The backend answers
 * `{"detail": {"code": "<snake_case>", "message": "<English>"}}`; the message is for logs and
 * developers only. The screen shows our own text for the code, else a text for the HTTP
 * status, else a generic one — never the server's (or pydantic's) English.
 */
import { ApiError } from '../api/client';
import { exists, t } from './index';

/** The machine code of an API error, if the backend sent one. */
export function errorCode(err: unknown): string | null {
  if (!(err instanceof ApiError)) return null;
  const d = err.detail;
  if (d && typeof d === 'object' && !Array.isArray(d) && 'code' in d && typeof d.code === 'string') return d.code;
  return null;
}

const STATUS_KEYS: Record<number, string> = {
  0: 'errors.status.network',
  400: 'errors.status.bad_request',
  401: 'errors.status.unauthorized',
  403: 'errors.status.forbidden',
  404: 'errors.status.not_found',
  409: 'errors.status.conflict',
  410: 'errors.status.gone',
  413: 'errors.status.too_large',
  415: 'errors.status.unsupported',
  422: 'errors.status.invalid',
  429: 'errors.status.rate_limited',
  503: 'errors.status.unavailable',
};

/**
 * Translated text for any error. `overrides` lets a screen say something more specific for
 * a code or status in its own context (e.g. a 404 on the claim screen is "unknown code").
 */
export function errorText(err: unknown, overrides: Record<string, string> = {}): string {
  const code = errorCode(err);
  // Told to come back later: say when, from the server's Retry-After (a limit may last an hour).
  if (err instanceof ApiError && (err.status === 429 || err.status === 503) && err.retryAfter !== null && err.retryAfter > 0) {
    return t(err.status === 429 ? 'errors.retryIn' : 'errors.unavailableFor', { wait: waitText(err.retryAfter) });
  }
  if (code) {
    if (overrides[code]) return t(overrides[code]);
    if (exists(`errors.code.${code}`)) return t(`errors.code.${code}`);
  }
  if (err instanceof ApiError) {
    const byStatus = overrides[String(err.status)] ?? STATUS_KEYS[err.status];
    if (byStatus) return t(byStatus);
  }
  return t('errors.generic');
}

/** "12 seconds", "3 minutes", "1 hour" (rounded up to the unit a person would use). */
export function waitText(seconds: number): string {
  if (seconds < 60) return t('errors.wait.seconds', { count: Math.max(1, Math.ceil(seconds)) });
  if (seconds < 3600) return t('errors.wait.minutes', { count: Math.ceil(seconds / 60) });
  return t('errors.wait.hours', { count: Math.ceil(seconds / 3600) });
}
