/** The parts of the Max and Telegram bridge objects this app uses. */

interface HostBackButton {
  show(): void;
  hide(): void;
  onClick(cb: () => void): void;
  offClick(cb: () => void): void;
}

interface MaxWebApp {
  initData: string;
  initDataUnsafe?: { start_param?: string; user?: { id: number; first_name?: string } };
  platform?: string;
  version?: string;
  colorScheme?: 'light' | 'dark';
  ready?(): void;
  expand?(): void;
  BackButton?: HostBackButton;
  openCodeReader?(fileSelect?: boolean): Promise<string | { value?: string } | null>;
  openLink?(url: string): void;
  onEvent?(event: string, cb: (...args: unknown[]) => void): void;
  offEvent?(event: string, cb: (...args: unknown[]) => void): void;
}

interface TelegramWebApp {
  initData: string;
  initDataUnsafe?: { start_param?: string };
  platform?: string;
  version?: string;
  colorScheme?: 'light' | 'dark';
  themeParams?: Record<string, string | undefined>;
  ready(): void;
  expand?(): void;
  isVersionAtLeast?(version: string): boolean;
  BackButton?: HostBackButton;
  showScanQrPopup?(params: { text?: string }, cb?: (text: string) => boolean | void): void;
  closeScanQrPopup?(): void;
  openLink?(url: string): void;
  onEvent?(event: string, cb: (...args: unknown[]) => void): void;
  offEvent?(event: string, cb: (...args: unknown[]) => void): void;
}

interface Window {
  WebApp?: MaxWebApp;
  Telegram?: { WebApp?: TelegramWebApp };
}
