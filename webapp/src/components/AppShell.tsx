import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { useSession } from '../state/session';
import { useLiveStatus } from '../state/live';
import { scannedTextToPath } from '../routing/deeplink';
import { goBack, navigate } from '../routing/navigation';
import { isTabPath } from '../routing/routes';
import { Icon, type IconName } from './Icon';
import { QrScannerDialog } from './QrScanner';
import { UserAvatar } from './UserChip';

const NAV: { href: string; label: string; icon: IconName }[] = [
  { href: '/', label: 'Gallery', icon: 'gallery' },
  { href: '/me', label: 'Collection', icon: 'collection' },
  { href: '/upload', label: 'Upload', icon: 'plus' },
  { href: '/trades', label: 'Trades', icon: 'trades' },
  { href: '/settings', label: 'Settings', icon: 'settings' },
];

function isActive(href: string, location: string): boolean {
  return href === '/' ? location === '/' : location === href || location.startsWith(`${href}/`);
}

/** Scan with the host's native reader, else our camera/paste dialog; then route. */
function useScanner() {
  const { host } = useSession();
  const [dialog, setDialog] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const handle = useCallback((text: string | null) => {
    setDialog(false);
    if (text === null) return;
    const path = scannedTextToPath(text);
    if (path) {
      setError(null);
      navigate(path);
    } else {
      setError('That code is not a gallery link (trade, claim or sign-in).');
    }
  }, []);

  const scan = useCallback(() => {
    setError(null);
    if (host.scanQr) void host.scanQr('Scan a trade, claim or sign-in code').then(handle);
    else setDialog(true);
  }, [host, handle]);

  return { scan, handle, dialog, closeDialog: () => setDialog(false), error, clearError: () => setError(null) };
}

/** Shows the messenger's native back button on nested screens. */
function useHostBackButton(location: string) {
  const { host } = useSession();
  const bb = host.backButton;
  const nested = !isTabPath(location);
  useEffect(() => {
    if (!bb) return;
    if (!nested) {
      bb.hide();
      return;
    }
    bb.show();
    return bb.onClick(goBack);
  }, [bb, nested]);
}

export function AppShell({ children }: { children: ReactNode }) {
  const [location] = useLocation();
  const { host, me } = useSession();
  const live = useLiveStatus();
  const scanner = useScanner();
  useHostBackButton(location);
  const showBack = !host.backButton && !isTabPath(location);

  return (
    <div className="app-shell">
      <header className="app-header">
        <div className="app-header-inner">
          {showBack ? (
            <button type="button" className="icon-btn" onClick={goBack} aria-label="Back">
              <Icon name="back" />
            </button>
          ) : (
            <Link href="/" className="brand">
              <span className="brand-mark">◆</span>
              <span className="brand-name">Max Gallery</span>
            </Link>
          )}
          <nav className="top-nav" aria-label="Main">
            {NAV.map((n) => (
              <Link key={n.href} href={n.href} className={`top-nav-link${isActive(n.href, location) ? ' active' : ''}`}>
                {n.label}
              </Link>
            ))}
          </nav>
          <div className="header-actions">
            <span className={`live-dot live-${live}`} title={`Live updates: ${live}`} aria-label={`Live updates ${live}`} />
            <button type="button" className="icon-btn" onClick={scanner.scan} aria-label="Scan a QR code">
              <Icon name="scan" />
            </button>
            {me && (
              <Link href="/settings" className="header-avatar" aria-label="Your settings">
                <UserAvatar user={me} size={32} />
              </Link>
            )}
          </div>
        </div>
      </header>

      {scanner.error && (
        <div className="app-content pt-2 pb-0">
          <div className="alert alert-warning d-flex align-items-center py-2 mb-0" role="alert">
            <span className="flex-grow-1">{scanner.error}</span>
            <button type="button" className="btn-close" aria-label="Close" onClick={scanner.clearError} />
          </div>
        </div>
      )}

      <main className="app-content">{children}</main>

      <nav className="tab-bar" aria-label="Tabs">
        {NAV.map((n) => (
          <Link key={n.href} href={n.href} className={`tab-bar-item${isActive(n.href, location) ? ' active' : ''}`}>
            <Icon name={n.icon} size={22} />
            <span>{n.label}</span>
          </Link>
        ))}
      </nav>

      {scanner.dialog && <QrScannerDialog onText={scanner.handle} onClose={scanner.closeDialog} />}
    </div>
  );
}
