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

function mayHaveCamera(): boolean {
  return Boolean(navigator.mediaDevices?.getUserMedia) && window.isSecureContext;
}

/** The camera state: asking the browser whether one is attached, there, or not (none attached,
 * access refused, no secure context). Without one the dialog says so and offers a picture of the
 * code or a pasted link — never an empty black camera box. */
type Camera = 'checking' | 'on' | 'none' | 'failed';

/**
 * Fallback scanner for the plain browser (and for messengers without a native
 * reader): the camera via html5-qrcode where there is one, else paste a link or code.
 */
export function QrScannerDialog({ onText, onClose }: { onText: (text: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [camera, setCamera] = useState<Camera>(() => (mayHaveCamera() ? 'checking' : 'none'));
  const [pasted, setPasted] = useState('');
  const [fileProblem, setFileProblem] = useState(false);
  const file = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (camera !== 'checking') return;
    let live = true;
    navigator.mediaDevices
      .enumerateDevices()
      .then((devices) => live && setCamera(devices.some((d) => d.kind === 'videoinput') ? 'on' : 'none'))
      .catch(() => live && setCamera('on'));
    return () => {
      live = false;
    };
  }, [camera]);

  const pickFile = async (picked: File | undefined) => {
    if (!picked) return;
    setFileProblem(false);
    const text = await import('./CameraScanner').then((m) => m.decodeImageFile(picked)).catch(() => null);
    if (text) onText(text);
    else setFileProblem(true);
  };

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
        {camera === 'on' || camera === 'checking' ? (
          <Suspense fallback={<div className="camera-view d-flex align-items-center justify-content-center"><Spinner size={28} /></div>}>
            {camera === 'on' ? (
              <CameraScanner onText={onText} onUnavailable={() => setCamera('failed')} />
            ) : (
              <div className="camera-view d-flex align-items-center justify-content-center"><Spinner size={28} /></div>
            )}
          </Suspense>
        ) : (
          <div data-testid="no-camera">
            <p className="text-secondary small">{t(camera === 'failed' ? 'scan.cameraProblem' : 'scan.noCamera')}</p>
            <input ref={file} type="file" accept="image/*" hidden data-testid="scan-file" onChange={(e) => void pickFile(e.target.files?.[0])} />
            <Button mode="secondary" stretched onClick={() => file.current?.click()}>
              {t('scan.chooseFile')}
            </Button>
            {fileProblem && <div className="alert alert-warning small mt-2 mb-0" role="alert">{t('scan.fileNotCode')}</div>}
          </div>
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
        {camera === 'on' && (
          <button type="button" className="btn btn-link btn-sm mt-2 px-0" onClick={() => setCamera('none')}>
            {t('scan.cameraOff')}
          </button>
        )}
      </div>
    </div>
  );
}
