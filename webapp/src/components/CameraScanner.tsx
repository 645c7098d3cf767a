import { Html5Qrcode, Html5QrcodeSupportedFormats } from 'html5-qrcode';
import { useEffect, useId } from 'react';

/** Camera QR reader (html5-qrcode); lazy-loaded by QrScanner only when needed. */
export default function CameraScanner({ onText, onUnavailable }: { onText: (text: string) => void; onUnavailable: () => void }) {
  const id = `cam-${useId().replace(/:/g, '')}`;

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
        onUnavailable(); // refused or busy: the dialog says so and offers a picture or a link
        return false;
      });
    return () => {
      void started.then(async (running) => {
        if (running) await scanner.stop().then(() => scanner.clear()).catch(() => undefined);
      });
    };
  }, [id, onText]);

  return <div id={id} className="camera-view" />;
}

/** The text of the QR code in a picture (a screenshot or a photo of the code). */
export async function decodeImageFile(file: File): Promise<string> {
  const host = document.createElement('div');
  host.id = `qr-file-${Date.now()}`;
  host.hidden = true;
  document.body.append(host);
  try {
    return await new Html5Qrcode(host.id, { verbose: false, formatsToSupport: [Html5QrcodeSupportedFormats.QR_CODE] }).scanFile(file, false);
  } finally {
    host.remove();
  }
}
