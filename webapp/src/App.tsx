import { MaxUI } from '@maxhub/max-ui';
import { QueryClientProvider } from '@tanstack/react-query';
import { queryClient } from './data/queries';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
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

// The gallery is the first screen, so it ships in the entry chunk; everything
// else (and html5-qrcode, the QR encoder) loads on demand.
const PhotoScreen = lazy(() => import('./screens/PhotoScreen'));
const UploadScreen = lazy(() => import('./screens/UploadScreen'));
const CollectionScreen = lazy(() => import('./screens/CollectionScreen'));
const UserScreen = lazy(() => import('./screens/UserScreen'));
const TradesScreen = lazy(() => import('./screens/TradesScreen'));
const TradeScreen = lazy(() => import('./screens/TradeScreen'));
const CreateTradeScreen = lazy(() => import('./screens/CreateTradeScreen'));
const TransferScreen = lazy(() => import('./screens/TransferScreen'));
const ClaimScreen = lazy(() => import('./screens/ClaimScreen'));
const ApproveLoginScreen = lazy(() => import('./screens/ApproveLoginScreen'));
const RequestsScreen = lazy(() => import('./screens/RequestsScreen'));
const SettingsScreen = lazy(() => import('./screens/SettingsScreen'));
const SignInScreen = lazy(() => import('./screens/SignInScreen'));
const NotFoundScreen = lazy(() => import('./screens/NotFoundScreen'));

function Routes() {
  return (
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
        <Route path="/requests" component={RequestsScreen} />
        <Route path="/settings" component={SettingsScreen} />
        <Route component={NotFoundScreen} />
      </Switch>
    </Suspense>
  );
}

/** Shows the sign-in flow until there is a user; the live socket opens only behind it. */
function Gate() {
  const { status } = useSession();
  const { t } = useTranslation();
  const [location] = useLocation();
  // The public gallery paints while sign-in runs; other screens wait for the user.
  if (status === 'starting') return location === '/' ? <StartingGallery /> : <Loading label={t('app.signingIn')} />;
  if (status === 'anonymous')
    return (
      <Suspense fallback={<Loading />}>
        <SignInScreen />
      </Suspense>
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
        <QueryClientProvider client={queryClient}>
          <Router hook={useAppLocation}>
            <SessionProvider host={host}>
              <Gate />
            </SessionProvider>
          </Router>
        </QueryClientProvider>
      </div>
    </MaxUI>
  );
}
