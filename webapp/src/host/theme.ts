import type { Host } from './host';

/** Telegram themeParams → the MaxUI design tokens they correspond to. */
const TOKEN_MAP: Record<string, string[]> = {
  bg_color: ['--background-surface-primary'],
  secondary_bg_color: ['--background-surface-ground', '--background-surface-secondary'],
  section_bg_color: ['--background-surface-card'],
  text_color: ['--text-primary'],
  hint_color: ['--text-secondary', '--text-tertiary'],
  link_color: ['--text-themed'],
  button_color: ['--background-accent-themed', '--accent-themed'],
  button_text_color: ['--text-contrast-static'],
  // destructive_text_color is NOT mapped: Telegram's dark #eb5545 on the neutral fill of a
  // secondary button ("Decline") reads at 3.2:1; our --text-negative is checked for AA there.
  // The host's own bottom-bar colour for our tab bar (Telegram 7.10+), so it matches the app's chrome.
  bottom_bar_bg_color: ['--background-local-tab-bar-android'],
};

const HEX = /^#[0-9a-f]{3,8}$/i;
type Rgb = [number, number, number];

function rgb(hex: string): Rgb {
  const h = hex.length < 7 ? hex.slice(1, 4).replace(/./g, '$&$&') : hex.slice(1, 7);
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
}
const toHex = (c: Rgb) => `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
const mix = (a: Rgb, b: Rgb, t: number): Rgb => a.map((v, i) => v + (b[i] - v) * t) as Rgb;
function luminance(c: Rgb): number {
  const [r, g, b] = c.map((v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(rgb(a)), luminance(rgb(b))].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** `color` moved towards white or black (away from the surfaces) until it reads at AA (4.5:1,
 * with a margin) on every one of them: a host's accent is its own, our text must still read. */
export function readableOn(color: string, surfaces: string[]): string {
  const ok = (c: string) => surfaces.every((s) => contrast(c, s) >= 4.6);
  if (ok(color)) return color;
  const dark = luminance(rgb(surfaces[0])) < 0.18;
  const target: Rgb = dark ? [255, 255, 255] : [0, 0, 0];
  for (let t = 0.05; t <= 1; t += 0.05) {
    const c = toHex(mix(rgb(color), target, t));
    if (ok(c)) return c;
  }
  return toHex(target);
}

/**
 * CSS custom properties that make the UI follow the host's own palette — kept at AA: Telegram's
 * own night palette has an accent (#8774e1) that reads at 3.7:1 under white button text and at
 * 4.3:1 as link text on its background, so such colours are shifted just enough to read.
 */
export function themeVariables(params: Record<string, string>): Record<string, string> {
  const p = Object.fromEntries(Object.entries(params).filter(([, v]) => typeof v === 'string' && HEX.test(v)));
  if (p.link_color && p.bg_color) {
    // Themed text sits on the page, on cards and on the neutral fill of secondary buttons.
    const surfaces = [p.bg_color, p.secondary_bg_color, p.section_bg_color].filter(Boolean);
    const dark = luminance(rgb(p.bg_color)) < 0.18;
    surfaces.push(toHex(mix(rgb(p.bg_color), dark ? [255, 255, 255] : [0, 0, 0], 0.12)));
    p.link_color = readableOn(p.link_color, surfaces);
  }
  if (p.button_color) {
    const text = p.button_text_color ?? '#ffffff';
    if (contrast(p.button_color, text) < 4.6) {
      const away: Rgb = luminance(rgb(text)) > 0.5 ? [0, 0, 0] : [255, 255, 255];
      for (let t = 0.05; t <= 1 && contrast(p.button_color, text) < 4.6; t += 0.05) p.button_color = toHex(mix(rgb(params.button_color), away, t));
    }
  }
  const vars: Record<string, string> = {};
  for (const [key, tokens] of Object.entries(TOKEN_MAP)) {
    const value = p[key];
    if (value) tokens.forEach((t) => (vars[t] = value));
  }
  return vars;
}

/** Applies the scheme to Bootstrap (`data-bs-theme`) and the page background. */
export function applyDocumentTheme(host: Host, doc: Document = document): void {
  const scheme = host.colorScheme();
  doc.documentElement.dataset.bsTheme = scheme;
  doc.documentElement.style.colorScheme = scheme;
  const bg = host.themeParams().bg_color;
  doc.body.style.backgroundColor = bg ?? '';
}
