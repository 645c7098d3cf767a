import { Spinner } from '@maxhub/max-ui';
import { useEffect, useState } from 'react';

/** Renders `value` as a QR code; the encoder is loaded on first use. */
export function QrCode({ value, size = 240, label }: { value: string; size?: number; label: string }) {
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
        <span className="small text-secondary p-3 text-center">Could not draw the code — use the link below.</span>
      ) : (
        <Spinner size={28} appearance="themed" />
      )}
    </div>
  );
}

/** QR + the same link as text, with copy/share, for when scanning is not possible. */
export function ShareCode({ value, label, hint }: { value: string; label: string; hint?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
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
      <div className="input-group input-group-sm mt-2">
        <input className="form-control" readOnly value={value} aria-label="Link" onFocus={(e) => e.target.select()} />
        <button type="button" className="btn btn-outline-secondary" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
