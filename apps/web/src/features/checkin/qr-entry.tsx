/** The student's side of the rotating QR code: the link the phone's camera opens, the code field, and a camera scan where the browser can read QR codes. */
import { useEffect, useRef, useState } from 'react';
import type { SessionView } from '@classconnect/contracts';
import { t } from '../../i18n.js';
import '../roster/qr.css';

export interface QrLink {
  sessionId: string;
  token: string;
}

const StorageKey = 'classconnect.qr-link';

/** The code in a scanned URL (`/checkin?session=…&qr=…`), if `text` is one. */
export function parseQrLink(text: string, base = location.origin): QrLink | null {
  try {
    const url = new URL(text, base);
    const sessionId = url.searchParams.get('session');
    const token = url.searchParams.get('qr');
    return url.pathname === '/checkin' && sessionId && token ? { sessionId, token } : null;
  } catch {
    return null;
  }
}

/**
 * The link this tab was opened with (kept through the sign-in in sessionStorage), taken once: the
 * address bar goes back to `/` so a reload does not reuse an old code.
 */
let taken: QrLink | null | undefined;

export function takeQrLink(): QrLink | null {
  if (taken !== undefined) return taken;
  taken = readQrLink();
  return taken;
}

function readQrLink(): QrLink | null {
  const fromUrl = parseQrLink(location.href);
  if (fromUrl) {
    sessionStorage.setItem(StorageKey, JSON.stringify(fromUrl));
    history.replaceState(null, '', '/');
  }
  const raw = sessionStorage.getItem(StorageKey);
  sessionStorage.removeItem(StorageKey);
  try {
    return raw ? (JSON.parse(raw) as QrLink) : null;
  } catch {
    return null;
  }
}

/**
 * Where a session uses QR codes: says whether the scanned code is ready, or asks for the short
 * code (and offers the camera where the browser can read QR codes itself).
 */
/** `open`: show the field at once (after a stale code, the student is asked for the one shown now). */
export function QrCodeField({ session, code, scanned, open = false, onCode }: { session: SessionView; code: string; scanned: boolean; open?: boolean; onCode: (code: string, scanned: boolean) => void }) {
  const [scanning, setScanning] = useState(false);
  const [unfolded, setUnfolded] = useState(false);
  if (!session.qr) return null;
  const id = `qr-${session.sessionId}`;
  // Offered: the code is extra proof, not a requirement; the field waits behind a question.
  if (session.qr.mode === 'offered' && !code && !unfolded && !open) {
    return (
      <div className="qr-field">
        <button type="button" className="link-button qr-have" aria-expanded={false} onClick={() => setUnfolded(true)} data-testid="qr-have-code">
          {t('qrHaveCode')}
        </button>
      </div>
    );
  }
  if (scanned && code) {
    return (
      <p className="qr-ready" role="status">
        ✓ {t('qrScanned')}
      </p>
    );
  }
  return (
    <div className="qr-field">
      {session.qr.mode === 'required' ? <p className="qr-need">{t('qrNeeded')}</p> : <p className="hint">{t('qrOptionalHint')}</p>}
      <label htmlFor={id}>
        {t('qrCodeLabel')}
        {session.qr.mode === 'offered' ? ` ${t('optional')}` : ''}
      </label>
      <input
        id={id}
        value={code}
        onChange={(e) => onCode(e.target.value.toUpperCase(), false)}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={9}
        aria-describedby={`${id}-hint`}
        aria-required={session.qr.mode === 'required'}
        autoFocus={session.qr.mode === 'offered' && unfolded && !code}
        data-testid="qr-code-input"
      />
      <p id={`${id}-hint`} className="hint">
        {t('qrCodeHint')}
      </p>
      {canScan() &&
        (scanning ? (
          <Scanner
            onDone={(text) => {
              setScanning(false);
              const link = text ? parseQrLink(text) : null;
              if (link && link.sessionId === session.sessionId) onCode(link.token, true);
            }}
          />
        ) : (
          <button type="button" className="button button-secondary" onClick={() => setScanning(true)}>
            {t('qrScan')}
          </button>
        ))}
    </div>
  );
}

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type DetectorClass = new (opts: { formats: string[] }) => Detector;

function canScan(): boolean {
  return typeof window !== 'undefined' && 'BarcodeDetector' in window && !!navigator.mediaDevices?.getUserMedia;
}

/** The back camera, read a few times a second with the browser's own QR reader, until a code is seen or the student stops it. */
function Scanner({ onDone }: { onDone: (text: string | null) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    let done = false;
    const finish = (text: string | null) => {
      if (done) return;
      done = true;
      onDone(text);
    };
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
        if (!video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        const detector = new (window as unknown as { BarcodeDetector: DetectorClass }).BarcodeDetector({ formats: ['qr_code'] });
        timer = setInterval(async () => {
          if (!video.current) return;
          const found = await detector.detect(video.current).catch(() => []);
          if (found[0]) finish(found[0].rawValue);
        }, 300);
      } catch {
        setFailed(true);
      }
    })();
    return () => {
      clearInterval(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [onDone]);
  return (
    <div className="stack">
      {failed ? <p className="hint">{t('qrScanUnavailable')}</p> : <p className="hint">{t('qrScanHelp')}</p>}
      <video ref={video} className="qr-video" muted playsInline aria-label={t('qrScanHelp')} />
      <button type="button" className="button button-secondary" onClick={() => onDone(null)}>
        {t('qrScanCancel')}
      </button>
    </div>
  );
}
