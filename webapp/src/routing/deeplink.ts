/**
 * Deep links. A QR code or a shared link carries either the mini-app start
 * parameter (`MINIAPP_LINK?startapp=<kind>_<token>`) or a plain web URL
 * (`/trade/<token>`, `/claim/<token>`, `/login/<token>`, `/photos/<id>`).
 * Everything funnels into an in-app path.
 */

const TOKEN = /^[\w-]{1,512}$/;

/** Start parameter → in-app path, or null when it is not one of ours. */
export function startParamToPath(param: string | null | undefined): string | null {
  if (!param) return null;
  const sep = param.indexOf('_');
  if (sep <= 0) return null;
  const kind = param.slice(0, sep);
  const value = param.slice(sep + 1);
  if (!TOKEN.test(value)) return null;
  switch (kind) {
    case 'trade':
      return `/trade/${value}`;
    case 'claim':
      return `/claim/${value}`;
    case 'login':
      return `/login/${value}`;
    case 'photo':
      return /^\d+$/.test(value) ? `/photos/${value}` : null;
    // Bot notifications' buttons (backend services/notifications.py): a trade by id, a person,
    // the profile requests addressed to you.
    case 'trades':
      return /^\d+$/.test(value) ? `/trades/${value}` : null;
    case 'user':
      return /^\d+$/.test(value) ? `/users/${value}` : null;
    case 'requests':
      return value === 'in' ? '/requests' : null;
    default:
      return null;
  }
}

const WEB_ROUTES = [/^\/trade\/[\w-]+$/, /^\/claim\/[\w-]+$/, /^\/login\/[\w-]+$/, /^\/photos\/\d+$/];

/** Start parameter from a query string (`startapp`, Telegram's `tgWebAppStartParam`). */
function startParamFromSearch(search: string): string | null {
  const q = new URLSearchParams(search);
  return q.get('startapp') ?? q.get('start_param') ?? q.get('tgWebAppStartParam');
}

/**
 * Where the app opens: the host's start parameter wins, then `?startapp=` on
 * the URL, then the URL path itself (so desktop web links route too).
 */
export function initialPath(
  loc: { pathname: string; search: string },
  hostStartParam: string | null,
): string {
  const fromParam = startParamToPath(hostStartParam) ?? startParamToPath(startParamFromSearch(loc.search));
  if (fromParam) return fromParam;
  const q = new URLSearchParams(loc.search);
  ['startapp', 'start_param', 'tgWebAppStartParam'].forEach((k) => q.delete(k));
  const rest = q.toString();
  return loc.pathname + (rest ? `?${rest}` : '');
}

/**
 * Text read from a QR code (or pasted) → in-app path. Accepts full links
 * (`https://max.ru/bot?startapp=trade_x`, `https://gallery.example/claim/x`)
 * and bare start parameters (`claim_x`). Null for anything else.
 */
export function scannedTextToPath(text: string): string | null {
  const raw = text.trim();
  if (!raw) return null;
  const direct = startParamToPath(raw);
  if (direct) return direct;
  let url: URL;
  try {
    url = new URL(raw, 'https://placeholder.invalid');
  } catch {
    return null;
  }
  const fromParam = startParamToPath(startParamFromSearch(url.search));
  if (fromParam) return fromParam;
  const path = url.pathname.replace(/\/+$/, '');
  return WEB_ROUTES.some((re) => re.test(path)) ? path : null;
}

