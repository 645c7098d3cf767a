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

/** CSS custom properties that make the UI follow the host's own palette. */
export function themeVariables(params: Record<string, string>): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [key, tokens] of Object.entries(TOKEN_MAP)) {
    const value = params[key];
    if (value && /^#[0-9a-f]{3,8}$/i.test(value)) tokens.forEach((t) => (vars[t] = value));
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
