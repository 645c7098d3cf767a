/** The parts of the Max and Telegram bridge objects this app uses. */

interface HostBackButton {
  show(): void;
  hide(): void;
  onClick(cb: () => void): void;
  offClick(cb: () => void): void;
}

interface HostHaptics {
  impactOccurred?(style: string): void;
  notificationOccurred?(type: string): void;
  selectionChanged?(): void;
}

interface SafeAreaInset {
  top?: number;
  bottom?: number;
  left?: number;
  right?: number;
}

interface MaxWebApp {
  initData: string;
  initDataUnsafe?: { start_param?: string; user?: { id: number; first_name?: string; language_code?: string } };
  platform?: string;
  version?: string;
  colorScheme?: 'light' | 'dark';
  ready?(): void;
  expand?(): void;
  BackButton?: HostBackButton;
  openCodeReader?(fileSelect?: boolean): Promise<string | { value?: string } | null>;
  openLink?(url: string): void;
  HapticFeedback?: HostHaptics;
  enableClosingConfirmation?(): void;
  disableClosingConfirmation?(): void;
  shareContent?(params: { text: string; link: string }): unknown;
  shareMaxContent?(params: { text: string; link: string }): unknown;
  close?(): void;
  /** Full brightness for about 30 s (a QR being shown); rejects where unsupported. */
  requestScreenMaxBrightness?(): Promise<unknown> | void;
  restoreScreenBrightness?(): Promise<unknown> | void;
  DeviceStorage?: {
    setItem(key: string, value: string): unknown;
    getItem(key: string): Promise<string | { value?: string | null } | null>;
  };
  onEvent?(event: string, cb: (...args: unknown[]) => void): void;
  offEvent?(event: string, cb: (...args: unknown[]) => void): void;
}

interface TelegramWebApp {
  initData: string;
  initDataUnsafe?: { start_param?: string; user?: { id: number; language_code?: string } };
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
  openTelegramLink?(url: string): void;
  /** Bot API 8.0: share a message prepared by the bot (savePreparedInlineMessage). */
  shareMessage?(id: string, callback?: (sent: boolean) => void): void;
  HapticFeedback?: HostHaptics;
  enableClosingConfirmation?(): void;
  disableClosingConfirmation?(): void;
  close?(): void;
  safeAreaInset?: SafeAreaInset;
  contentSafeAreaInset?: SafeAreaInset;
  MainButton?: {
    setParams?(p: { text?: string; is_active?: boolean; is_visible?: boolean; color?: string; text_color?: string }): void;
    onClick?(cb: () => void): void;
    offClick?(cb: () => void): void;
    show?(): void;
    hide?(): void;
    showProgress?(leaveActive?: boolean): void;
    hideProgress?(): void;
  };
  CloudStorage?: {
    setItem(key: string, value: string, cb?: (err: unknown, ok?: boolean) => void): void;
    getItem(key: string, cb: (err: unknown, value?: string) => void): void;
  };
  onEvent?(event: string, cb: (...args: unknown[]) => void): void;
  offEvent?(event: string, cb: (...args: unknown[]) => void): void;
}

interface Window {
  WebApp?: MaxWebApp;
  Telegram?: { WebApp?: TelegramWebApp };
}
