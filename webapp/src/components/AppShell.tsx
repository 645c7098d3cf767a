import { createContext, type ReactNode, useCallback, useContext, useLayoutEffect, useState } from 'react';
import { useTranslation } from '../i18n';
import { Link, useLocation } from 'wouter';
import { useSession } from '../state/session';
import { useLiveStatus } from '../state/live';
import { scannedTextToPath } from '../routing/deeplink';
import { goBack, navigate } from '../routing/navigation';
import { isTabPath } from '../routing/routes';
import { Icon, type IconName } from './Icon';
import { QrScannerDialog } from './QrScanner';
import { UserAvatar } from './UserChip';

const NAV: { href: string; key: string; icon: IconName }[] = [
  { href: '/', key: 'nav.gallery', icon: 'gallery' },
  { href: '/me', key: 'nav.collection', icon: 'collection' },
  { href: '/upload', key: 'nav.upload', icon: 'plus' },
  { href: '/trades', key: 'nav.trades', icon: 'trades' },
  { href: '/settings', key: 'nav.settings', icon: 'settings' },
];

function isActive(href: string, location: string): boolean {
  return href === '/' ? location === '/' : location === href || location.startsWith(`${href}/`);
}

/** Scan with the host's native reader, else our camera/paste dialog; then route. */
function useScanner() {
  const { host } = useSession();
  const { t } = useTranslation();
  const [dialog, setDialog] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const handle = useCallback(
    (text: string | null) => {
      setDialog(false);
      if (text === null) return;
      const path = scannedTextToPath(text);
      if (path) {
        setError(null);
        host.haptic.selection();
        navigate(path);
      } else {
        host.haptic.notify('error');
        setError(t('scan.notOurs'));
      }
    },
    [host, t],
  );

  const scan = useCallback(() => {
    setError(null);
    if (host.scanQr) void host.scanQr(t('scan.prompt')).then(handle);
    else setDialog(true);
  }, [host, handle, t]);

  return { scan, handle, dialog, closeDialog: () => setDialog(false), error, clearError: () => setError(null) };
}

/** Shows the messenger's native back button on nested screens. */
function useHostBackButton(location: string) {
  const { host } = useSession();
  const bb = host.backButton;
  const nested = !isTabPath(location);
  // A layout effect: the host's button changes with the screen it belongs to (a passive effect
  // runs a frame later under Preact, when a tap on it may already have landed).
  useLayoutEffect(() => {
    if (!bb) return;
    if (!nested) {
      bb.hide();
      return;
    }
    bb.show();
    return bb.onClick(goBack);
  }, [bb, nested]);
}

/** The scan button and the live-updates dot; in a messenger they sit in the screen title. */
const ToolsContext = createContext<ReactNode>(null);

/** Rendered by ScreenTitle: the shell's tools when the host has no header of ours. */
export function ShellTools() {
  const [location] = useLocation();
  const tools = useContext(ToolsContext);
  // Only on the tab screens: nested screens keep their title's full width.
  return isTabPath(location) ? <>{tools}</> : null;
}

/**
 * The live-updates state: a quiet dot while updates arrive (its meaning in words for screen
 * readers), and a short visible word when they do not — "Offline" the moment the browser
 * says so, "Connecting…" while the socket comes back.
 */
function LiveDot() {
  const live = useLiveStatus();
  const { t } = useTranslation();
  const word = live === 'open' ? null : t(live === 'connecting' ? 'nav.live.reconnecting' : 'nav.live.offline');
  return (
    <span className="live-status" role="status" data-live={live}>
      <span className={`live-dot live-${live}`} aria-hidden="true" />
      {word ? <span className="live-word">{word}</span> : <span className="visually-hidden">{t('nav.live.open')}</span>}
    </span>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const [location] = useLocation();
  const { host, me } = useSession();
  const { t } = useTranslation();
  const scanner = useScanner();
  useHostBackButton(location);
  // Every screen opens at its top; a screen that remembers its place (the gallery) restores it after.
  useLayoutEffect(() => {
    window.scrollTo(0, 0); // (it returns a promise in recent Chromium: never the effect's cleanup)
  }, [location]);
  // Inside a messenger the host draws the header (its name, close and back): no brand bar of ours.
  const inMessenger = host.kind !== 'web';
  const showBack = !host.backButton && !isTabPath(location);

  const tools = (
    <span className="shell-tools">
      <LiveDot />
      <button type="button" className="icon-btn" onClick={scanner.scan} aria-label={t('nav.scan')}>
        <Icon name="scan" />
      </button>
    </span>
  );

  return (
    <div className={`app-shell${inMessenger ? ' in-messenger' : ''}`}>
      {!inMessenger && (
        <header className="app-header">
          <div className="app-header-inner">
            {showBack ? (
              <button type="button" className="icon-btn" onClick={goBack} aria-label={t('nav.back')}>
                <Icon name="back" />
              </button>
            ) : (
              <Link href="/" className="brand">
                <span className="brand-mark" aria-hidden="true">◆</span>
                <span className="brand-name">{t('app.name')}</span>
              </Link>
            )}
            <nav className="top-nav" aria-label={t('nav.main')}>
              {NAV.map((n) => (
                <Link key={n.href} href={n.href} className={`top-nav-link${isActive(n.href, location) ? ' active' : ''}`}>
                  {t(n.key)}
                </Link>
              ))}
            </nav>
            <div className="header-actions">
              {tools}
              {me && (
                <Link href="/settings" className="header-avatar">
                  <UserAvatar user={me} size={32} />
                  <span className="visually-hidden">{t('nav.yourSettings')}</span>
                </Link>
              )}
            </div>
          </div>
        </header>
      )}

      {scanner.error && (
        <div className="app-content pt-2 pb-0">
          <div className="alert alert-warning d-flex align-items-center py-2 mb-0" role="alert">
            <span className="flex-grow-1">{scanner.error}</span>
            <button type="button" className="btn-close" aria-label={t('common.close')} onClick={scanner.clearError} />
          </div>
        </div>
      )}

      <ToolsContext.Provider value={inMessenger ? tools : null}>
        <main className="app-content">{children}</main>
      </ToolsContext.Provider>

      <nav className="tab-bar" aria-label={t('nav.tabs')}>
        {NAV.map((n) => (
          <Link
            key={n.href}
            href={n.href}
            className={`tab-bar-item${isActive(n.href, location) ? ' active' : ''}`}
            aria-current={isActive(n.href, location) ? 'page' : undefined}
          >
            <Icon name={n.icon} size={22} />
            <span>{t(n.key)}</span>
          </Link>
        ))}
      </nav>

      {scanner.dialog && <QrScannerDialog onText={scanner.handle} onClose={scanner.closeDialog} />}
    </div>
  );
}
