// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { formatDate, formatNumber, initI18n, switchLanguage } from './index';

describe('formatDate', () => {
  it('lets a line break only between the date and the time', () => {
    const text = formatDate('2026-12-01T20:14:00Z');
    expect(text).toMatch(/\d{4}/);
    expect(text.split(' ')).toHaveLength(2); // exactly one breakable space, after the date's comma
    expect(text.split(' ')[0]!.endsWith(',')).toBe(true);
  });
});

describe('formatNumber', () => {
  it('groups digits exactly as Intl.NumberFormat does, in both languages', async () => {
    for (const lang of ['ru', 'en'] as const) {
      if (lang === 'ru') await initI18n('ru');
      else await switchLanguage('en');
      for (const n of [0, 7, 999, 1000, 1234, 12345, 123456, 1234567, 1000000000]) {
        expect(formatNumber(n)).toBe(new Intl.NumberFormat(lang).format(n));
      }
    }
  });
});
