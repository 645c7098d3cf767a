import { describe, expect, it } from 'vitest';
import { contrast, themeVariables } from './theme';

// Telegram's own palettes (Web K day and night).
const NIGHT = { bg_color: '#212121', secondary_bg_color: '#0f0f0f', section_bg_color: '#212121', text_color: '#ffffff', link_color: '#8774e1', button_color: '#8774e1', button_text_color: '#ffffff' };
const DAY = { bg_color: '#ffffff', secondary_bg_color: '#f0f0f4', text_color: '#000000', link_color: '#1c5fa8', button_color: '#1c5fa8', button_text_color: '#ffffff' };

describe('themeVariables', () => {
  it('keeps a host palette that already reads at AA as it is', () => {
    const v = themeVariables(DAY);
    expect(v['--text-themed']).toBe('#1c5fa8');
    expect(v['--background-accent-themed']).toBe('#1c5fa8');
  });

  it("shifts Telegram night's accent just enough: button text and themed text at AA", () => {
    expect(contrast(NIGHT.button_color, '#ffffff')).toBeLessThan(4.5);
    const v = themeVariables(NIGHT);
    expect(contrast(v['--background-accent-themed'], '#ffffff')).toBeGreaterThanOrEqual(4.5);
    for (const bg of ['#212121', '#0f0f0f']) expect(contrast(v['--text-themed'], bg)).toBeGreaterThanOrEqual(4.5);
    expect(v['--text-themed']).not.toBe('#ffffff'); // still the host's hue, not white
  });

  it('ignores values that are not colours', () => {
    expect(themeVariables({ bg_color: 'red; x: y' })).toEqual({});
  });
});
