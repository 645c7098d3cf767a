import { Html5Qrcode, Html5QrcodeSupportedFormats } from 'html5-qrcode';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from '../i18n';

/** Camera QR reader (html5-qrcode); lazy-loaded by QrScanner only when needed. */
export default function CameraScanner({ onText }: { onText: (text: string) => void }) {
  const id = `cam-${useId().replace(/:/g, '')}`;
  const { t } = useTranslation();
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const scanner = new Html5Qrcode(id, {
      verbose: false,
      formatsToSupport: [Html5QrcodeSupportedFormats.QR_CODE],
    });
    let done = false;
    const started = scanner
      .start(
        { facingMode: 'environment' },
        { fps: 10, qrbox: (w, h) => ({ width: Math.min(w, h) * 0.7, height: Math.min(w, h) * 0.7 }) },
        (text) => {
          if (done) return;
          done = true;
          onText(text);
        },
        () => {},
      )
      .then(() => true)
      .catch(() => {
        setProblem('scan.cameraProblem');
        return false;
      });
    return () => {
      void started.then(async (running) => {
        if (running) await scanner.stop().then(() => scanner.clear()).catch(() => undefined);
      });
    };
  }, [id, onText]);

  return (
    <div>
      <div id={id} className="camera-view" />
      {problem && <div className="alert alert-warning small mt-2 mb-0">{t(problem)}</div>}
    </div>
  );
}
