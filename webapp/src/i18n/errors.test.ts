// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ApiError, retryAfterSeconds } from '../api/client';
import { errorText } from './errors';
import { initI18n, switchLanguage } from './index';

const limited = (retryAfter: number | null, code = 'rate_limited') => new ApiError(429, { code, message: 'too many requests' }, retryAfter);

describe('Retry-After in the 429 text', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterSeconds('3600')).toBe(3600);
    expect(retryAfterSeconds(null)).toBeNull();
    expect(retryAfterSeconds('soon')).toBeNull();
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(retryAfterSeconds('Mon, 07 Dec 2026 10:02:00 GMT', now)).toBe(120);
  });

  it('says how long to wait, in Russian and English, in the unit a person would use', async () => {
    await initI18n('ru');
    expect(errorText(limited(3600))).toBe('Слишком много попыток. Повторите через 1 час.');
    expect(errorText(limited(5 * 3600))).toBe('Слишком много попыток. Повторите через 5 часов.');
    expect(errorText(limited(90))).toBe('Слишком много попыток. Повторите через 2 минуты.');
    expect(errorText(limited(21))).toBe('Слишком много попыток. Повторите через 21 секунду.');
    expect(errorText(limited(600, 'login_throttled'))).toBe('Слишком много попыток. Повторите через 10 минут.');
    // Without the header: the old wording.
    expect(errorText(limited(null))).toBe('Слишком много попыток. Подождите немного.');
    await switchLanguage('en');
    expect(errorText(limited(3600))).toBe('Too many attempts. Try again in 1 hour.');
    expect(errorText(limited(1))).toBe('Too many attempts. Try again in 1 second.');
    expect(errorText(new ApiError(503, null, 30))).toBe('The service is busy right now. Try again in 30 seconds.');
  });
});
