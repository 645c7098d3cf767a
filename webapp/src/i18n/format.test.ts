// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { formatDate } from './index';

describe('formatDate', () => {
  it('lets a line break only between the date and the time', () => {
    const text = formatDate('2026-12-01T20:14:00Z');
    expect(text).toMatch(/\d{4}/);
    expect(text.split(' ')).toHaveLength(2); // exactly one breakable space, after the date's comma
    expect(text.split(' ')[0]!.endsWith(',')).toBe(true);
  });
});
