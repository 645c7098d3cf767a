import { MaxUI } from '@maxhub/max-ui';
import { QueryClientProvider } from '@tanstack/react-query';
import { queryClient } from './data/queries';
import { Suspense, useEffect, useState } from 'react';
import { Boundary } from './components/Boundary';
import { firstTiles } from './components/PhotoGrid';
import { lazyScreen } from './routing/lazyScreen';
import { useTranslation } from './i18n';
import { Route, Router, Switch } from 'wouter';
import { AppShell } from './components/AppShell';
import { Loading } from './components/States';
import type { Host } from './host/host';
import { applyDocumentTheme, themeVariables } from './host/theme';
import { useAppLocation } from './routing/navigation';
import { LiveProvider } from './state/live';
import { SessionProvider, useSession } from './state/session';
import GalleryScreen, { StartingGallery } from './screens/GalleryScreen';
import { useLocation } from 'wouter';

// The gallery is the first screen, so it ships in the entry chunk; every other screen is its own
// chunk, loaded on demand with retries (routing/lazyScreen.ts) and fetched ahead once the first
// tiles are on screen, so losing the connection later costs no screen.
const PhotoScreen = lazyScreen(() => import('./screens/PhotoScreen'));
const UploadScreen = lazyScreen(() => import('./screens/UploadScreen'));
const CollectionScreen = lazyScreen(() => import('./screens/CollectionScreen'));
const UserScreen = lazyScreen(() => import('./screens/UserScreen'));
const TradesScreen = lazyScreen(() => import('./screens/TradesScreen'));
const TradeScreen = lazyScreen(() => import('./screens/TradeScreen'));
const CreateTradeScreen = lazyScreen(() => import('./screens/CreateTradeScreen'));
const TransferScreen = lazyScreen(() => import('./screens/TransferScreen'));
const ClaimScreen = lazyScreen(() => import('./screens/ClaimScreen'));
const ApproveLoginScreen = lazyScreen(() => import('./screens/ApproveLoginScreen'));
const ProfileRequestsScreen = lazyScreen(() => import('./screens/ProfileRequestsScreen'));
const SettingsScreen = lazyScreen(() => import('./screens/SettingsScreen'));
const SignInScreen = lazyScreen(() => import('./screens/SignInScreen'));
const NotFoundScreen = lazyScreen(() => import('./screens/NotFoundScreen'));

/** Everything a signed-in session can open (the sign-in screen is not among them). */
const SIGNED_IN_SCREENS = [
  PhotoScreen, UploadScreen, CollectionScreen, UserScreen, TradesScreen, TradeScreen, CreateTradeScreen,
  TransferScreen, ClaimScreen, ApproveLoginScreen, ProfileRequestsScreen, SettingsScreen, NotFoundScreen,
];

/**
 * Fetch every screen's code once the first tiles have their pictures (the page's load event
 * after the first tiles), or after a few seconds at most: before that the chunks would take
 * bandwidth from the thumbnails on a slow connection.
 */
function usePreloadScreens(enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const timer = setTimeout(start, 5000);
    void firstTiles.then(() =>
      document.readyState === 'complete' ? start() : window.addEventListener('load', start, { once: true }),
    );
    function start() {
      if (cancelled) return;
      cancelled = true;
      clearTimeout(timer);
      // One after another: they share the connection with the thumbnails.
      void SIGNED_IN_SCREENS.reduce<Promise<unknown>>((prev, s) => prev.then(() => s.preload()), Promise.resolve()).then(
        // A fact the browser tests wait for before they take the connection away.
        () => (document.documentElement.dataset.screensLoaded = 'true'),
      );
    }
    return () => {
      cancelled = true;
      clearTimeout(timer);
      window.removeEventListener('load', start);
    };
  }, [enabled]);
}

function Routes() {
  const [location] = useLocation();
  return (
    <Boundary resetKey={location}>
      <Suspense fallback={<Loading />}>
        <Switch>
        <Route path="/" component={GalleryScreen} />
        <Route path="/photos/:id/transfer" component={TransferScreen} />
        <Route path="/photos/:id" component={PhotoScreen} />
        <Route path="/upload" component={UploadScreen} />
        <Route path="/me" component={CollectionScreen} />
        <Route path="/users/:id" component={UserScreen} />
        <Route path="/trades" component={TradesScreen} />
        <Route path="/trades/new" component={CreateTradeScreen} />
        <Route path="/trades/:id" component={TradeScreen} />
        <Route path="/trade/:token" component={TradeScreen} />
        <Route path="/claim/:token" component={ClaimScreen} />
        <Route path="/login/:token" component={ApproveLoginScreen} />
        <Route path="/requests" component={ProfileRequestsScreen} />
        <Route path="/settings" component={SettingsScreen} />
        <Route component={NotFoundScreen} />
        </Switch>
      </Suspense>
    </Boundary>
  );
}

/** Shows the sign-in flow until there is a user; the live socket opens only behind it. */
function Gate() {
  const { status } = useSession();
  const { t } = useTranslation();
  const [location] = useLocation();
  usePreloadScreens(status === 'signed-in');
  // The public gallery paints while sign-in runs; other screens wait for the user.
  if (status === 'starting') return location === '/' ? <StartingGallery /> : <Loading label={t('app.signingIn')} />;
  if (status === 'anonymous')
    return (
      <Boundary>
        <Suspense fallback={<Loading />}>
          <SignInScreen />
        </Suspense>
      </Boundary>
    );
  return (
    <LiveProvider>
      <AppShell>
        <Routes />
      </AppShell>
    </LiveProvider>
  );
}

/** Follows the host's colour scheme (and Telegram's palette) live. */
function useHostTheme(host: Host) {
  const [scheme, setScheme] = useState(host.colorScheme);
  const [vars, setVars] = useState(() => themeVariables(host.themeParams()));
  useEffect(() => {
    const sync = () => {
      applyDocumentTheme(host);
      setScheme(host.colorScheme());
      setVars(themeVariables(host.themeParams()));
    };
    sync();
    return host.onThemeChange(sync);
  }, [host]);
  return { scheme, vars };
}

export function App({ host }: { host: Host }) {
  const { scheme, vars } = useHostTheme(host);
  const platform = host.platform === 'ios' ? 'ios' : 'android';
  return (
    <MaxUI colorScheme={scheme} platform={platform}>
      <div className="app-root" style={vars}>
        {/* The last line of defence: whatever escapes a screen's boundary still leaves a page with a way back. */}
        <Boundary frame={(failed) => <main className="app-content">{failed}</main>}>
          <QueryClientProvider client={queryClient}>
            <Router hook={useAppLocation}>
              <SessionProvider host={host}>
                <Gate />
              </SessionProvider>
            </Router>
          </QueryClientProvider>
        </Boundary>
      </div>
    </MaxUI>
  );
}
