import { Button, Spinner } from '@maxhub/max-ui';
import { lazy, Suspense, useState, type FormEvent } from 'react';

const CameraScanner = lazy(() => import('./CameraScanner'));

function hasCamera(): boolean {
  return Boolean(navigator.mediaDevices?.getUserMedia) && window.isSecureContext;
}

/**
 * Fallback scanner for the plain browser (and for messengers without a native
 * reader): the camera via html5-qrcode where there is one, else paste a link or code.
 */
export function QrScannerDialog({ onText, onClose }: { onText: (text: string) => void; onClose: () => void }) {
  const [useCamera, setUseCamera] = useState(hasCamera);
  const [pasted, setPasted] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (pasted.trim()) onText(pasted.trim());
  };

  return (
    <div className="sheet-backdrop" role="dialog" aria-modal="true" aria-label="Scan a code" onClick={onClose}>
      <div className="sheet" onClick={(e) => e.stopPropagation()}>
        <div className="d-flex align-items-center mb-3">
          <h2 className="h5 mb-0 flex-grow-1">Scan a code</h2>
          <button type="button" className="btn-close" aria-label="Close" onClick={onClose} />
        </div>
        {useCamera ? (
          <Suspense fallback={<div className="camera-view d-flex align-items-center justify-content-center"><Spinner size={28} /></div>}>
            <CameraScanner onText={onText} />
          </Suspense>
        ) : (
          <p className="text-secondary small">No camera here — paste the link or code you were given.</p>
        )}
        <form onSubmit={submit} className="mt-3">
          <label htmlFor="paste-code" className="form-label small text-secondary">
            Or paste a link or code
          </label>
          <div className="input-group">
            <input
              id="paste-code"
              className="form-control"
              placeholder="https://…?startapp=trade_… or claim_…"
              value={pasted}
              onChange={(e) => setPasted(e.target.value)}
              autoComplete="off"
            />
            <Button type="submit" disabled={!pasted.trim()}>
              Open
            </Button>
          </div>
        </form>
        {useCamera && (
          <button type="button" className="btn btn-link btn-sm mt-2 px-0" onClick={() => setUseCamera(false)}>
            Turn the camera off
          </button>
        )}
      </div>
    </div>
  );
}
