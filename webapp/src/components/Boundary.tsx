import { Component, type ErrorInfo, type ReactNode } from 'react';
import { retryFailedScreens } from '../routing/lazyScreen';
import { ErrorState } from './States';

interface Props {
  children: ReactNode;
  /** A new key (the route) clears a failure: opening another tab works again at once. */
  resetKey?: string;
  /** How the failure is shown; the root boundary wraps it in a bare page. */
  frame?: (failed: ReactNode) => ReactNode;
}

/**
 * Catches what a screen throws (a render error, code that could not be loaded) so the rest of
 * the app — the tab bar, the host's buttons — stays and the user can go elsewhere or retry.
 * Retrying also retries any screen whose code failed to load, and comes by itself when the
 * browser says the connection is back.
 */
export class Boundary extends Component<Props, { error: unknown; key?: string }> {
  state: { error: unknown; key?: string } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: { error: unknown; key?: string }) {
    if (props.resetKey !== state.key) return { error: null, key: props.resetKey };
    return null;
  }

  componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('screen failed', error, info.componentStack);
  }

  componentDidMount() {
    window.addEventListener('online', this.retry);
  }

  componentWillUnmount() {
    window.removeEventListener('online', this.retry);
  }

  retry = () => {
    if (this.state.error === null) return;
    retryFailedScreens();
    this.setState({ error: null });
  };

  render() {
    if (this.state.error === null) return this.props.children;
    const failed = <ErrorState error={this.state.error} onRetry={this.retry} />;
    return this.props.frame ? this.props.frame(failed) : failed;
  }
}
