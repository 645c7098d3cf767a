/**
 * Imported first by main.tsx, so it runs before the rest of the entry script is evaluated: starts
 * downloading the catalogue of the language the app will most likely use (./hint.ts).
 * `initI18n` then waits for the same download instead of starting one.
 */
import { languageHint } from './hint';
import { loadLanguage } from './index';

void loadLanguage(languageHint(window)).catch(() => {
  /* initI18n retries and reports; this was only a head start */
});
