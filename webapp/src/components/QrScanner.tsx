import { Button, Spinner } from '@maxhub/max-ui';
import { lazy, Suspense, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from '../i18n';

const CameraScanner = lazy(() => import('./CameraScanner'));

/** The dialog's controls that take the focus, in tab order. */
function focusables(root: HTMLElement | null): HTMLElement[] {
  if (!root) return [];
  return [...root.querySelectorAll<HTMLElement>('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])')].filter(
    (el) => !el.hasAttribute('disabled') && el.getClientRects().length > 0,
  );
}

function hasCamera(): boolean {
  return Boolean(navigator.mediaDevices?.getUserMedia) && window.isSecureContext;
}

/**
 * Fallback scanner for the plain browser (and for messengers without a native
 * reader): the camera via html5-qrcode where there is one, else paste a link or code.
 */
export function QrScannerDialog({ onText, onClose }: { onText: (text: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [useCamera, setUseCamera] = useState(hasCamera);
  const [pasted, setPasted] = useState('');

  const sheet = useRef<HTMLDivElement>(null);
  // A modal dialog: it takes the focus (its first control), keeps Tab inside, closes on Escape,
  // and gives the focus back to what opened it.
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    focusables(sheet.current)[0]?.focus();
    return () => opener?.focus?.();
  }, []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key !== 'Tab') return;
    const list = focusables(sheet.current);
    if (!list.length) return;
    const first = list[0];
    const last = list[list.length - 1];
    const active = document.activeElement;
    if (e.shiftKey && (active === first || !sheet.current?.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !sheet.current?.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (pasted.trim()) onText(pasted.trim());
  };

  return (
    <div className="sheet-backdrop" role="dialog" aria-modal="true" aria-label={t('scan.title')} onClick={onClose} onKeyDown={onKeyDown}>
      <div className="sheet" ref={sheet} onClick={(e) => e.stopPropagation()}>
        <div className="d-flex align-items-center mb-3">
          <h2 className="h5 mb-0 flex-grow-1">{t('scan.title')}</h2>
          <button type="button" className="btn-close" aria-label={t('common.close')} onClick={onClose} />
        </div>
        {useCamera ? (
          <Suspense fallback={<div className="camera-view d-flex align-items-center justify-content-center"><Spinner size={28} /></div>}>
            <CameraScanner onText={onText} />
          </Suspense>
        ) : (
          <p className="text-secondary small">{t('scan.noCamera')}</p>
        )}
        <form onSubmit={submit} className="mt-3">
          <label htmlFor="paste-code" className="form-label small text-secondary">
            {t('scan.pasteLabel')}
          </label>
          <div className="input-group">
            <input
              id="paste-code"
              className="form-control"
              placeholder={t('scan.pastePlaceholder')}
              value={pasted}
              onChange={(e) => setPasted(e.target.value)}
              autoComplete="off"
            />
            <Button type="submit" disabled={!pasted.trim()}>
              {t('scan.open')}
            </Button>
          </div>
        </form>
        {useCamera && (
          <button type="button" className="btn btn-link btn-sm mt-2 px-0" onClick={() => setUseCamera(false)}>
            {t('scan.cameraOff')}
          </button>
        )}
      </div>
    </div>
  );
}
