import { Button, Spinner } from '@maxhub/max-ui';
import { useEffect, useState } from 'react';
import { useTranslation } from '../i18n';
import { shareApi } from '../api';
import type { Host } from '../host/host';
import { useSession } from '../state/session';

/** Renders `value` as a QR code; the encoder is loaded on first use. */
export function QrCode({ value, size = 240, label }: { value: string; size?: number; label: string }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let alive = true;
    setUrl(null);
    import('qrcode')
      .then((qr) => qr.toDataURL(value, { margin: 1, width: size * 2, errorCorrectionLevel: 'M' }))
      .then((data) => alive && setUrl(data))
      .catch(() => alive && setFailed(true));
    return () => {
      alive = false;
    };
  }, [value, size]);

  return (
    <div className="qr-box" style={{ width: size, height: size }}>
      {url ? (
        <img src={url} width={size} height={size} alt={label} data-qr-value={value} />
      ) : failed ? (
        <span className="small text-secondary p-3 text-center">{t('scan.qrFailed')}</span>
      ) : (
        <Spinner size={28} appearance="themed" />
      )}
    </div>
  );
}

/**
 * Share one of the app's links through the host: a rich card through the bot where the host can
 * (Telegram 8.0+), else the host's own sheet (Max chats, t.me/share, the system sheet). Any failure
 * to prepare the card falls back to the plain share, as older clients get.
 */
export async function shareLink(host: Host, link: string, text: string, language: string): Promise<void> {
  if (host.shareMessage) {
    try {
      const { id } = await shareApi.prepare(link, text, language === 'en' ? 'en' : 'ru');
      await host.shareMessage(id); // the user may cancel the sheet: no second sheet after
      return;
    } catch {
      /* fall back below */
    }
  }
  host.share?.(link, text);
}

/** Max's brightness request lasts about 30 s: asked again this often while the code is shown. */
export const BRIGHTNESS_RENEW_MS = 25_000;

/**
 * Full screen brightness while a code is on screen (Max's `requestScreenMaxBrightness`), so the
 * other phone's camera reads it in any light; the user's brightness comes back when it goes.
 * Nothing where the host has no such call (Telegram, a browser).
 */
export function useScreenBrightness(active = true): void {
  const { host } = useSession();
  const brightness = host.screenBrightness;
  useEffect(() => {
    if (!brightness || !active) return;
    brightness.raise();
    const renew = setInterval(() => brightness.raise(), BRIGHTNESS_RENEW_MS);
    return () => {
      clearInterval(renew);
      brightness.restore();
    };
  }, [brightness, active]);
}

/**
 * QR + the same link as text, with the host's share sheet (Max chats, Telegram's share
 * picker, the system sheet) and copy, for when scanning is not possible.
 */
export function ShareCode({ value, label, hint, shareText }: { value: string; label: string; hint?: string; shareText: string }) {
  const { t, i18n } = useTranslation();
  const { host } = useSession();
  const [copied, setCopied] = useState(false);
  useScreenBrightness();
  const share = () => shareLink(host, value, shareText, i18n.language);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      host.haptic.notify('success');
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="share-code">
      <QrCode value={value} label={label} />
      {hint && <p className="small text-secondary mt-2 mb-1 text-center">{hint}</p>}
      {host.share && (
        <Button className="mt-2" stretched onClick={() => (host.haptic.impact('light'), void share())}>
          {t('common.share')}
        </Button>
      )}
      <div className="input-group mt-2">
        <input className="form-control" readOnly value={value} aria-label={t('common.link')} onFocus={(e) => e.target.select()} />
        <button type="button" className="btn btn-outline-secondary" onClick={copy}>
          {copied ? t('common.copied') : t('common.copy')}
        </button>
      </div>
    </div>
  );
}
