/** The teacher's full-screen QR code: large enough to scan from the back of a hall, the short code beside it, a new code each step. */
import { useEffect, useRef, useState } from 'react';
import QRCode from 'qrcode';
import type { ErrorBody, QrCodeView, SessionView } from '@classconnect/contracts';
import { t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';
import './qr.css';

/** `present`: the live count, shown large for the hall (the projector view). */
export function QrScreen({ live, session, present, onClose }: { live: Live; session: SessionView; present?: { n: number; total: number }; onClose: () => void }) {
  const [code, setCode] = useState<QrCodeView | null>(null);
  const [image, setImage] = useState<string | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  // One request per step: the server says when the next code starts, and the next request is made then.
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetchCode = async () => {
      const res = await live.request('session:qr', { sessionId: session.sessionId });
      if (stopped) return;
      if (!res.ok) {
        setError(res.error);
        // A busy server or a dropped connection: try again soon; anything else (stopped, no QR) stays on screen.
        if (res.error.code === 'SERVICE_UNAVAILABLE' || res.error.code === 'RATE_LIMITED') timer = setTimeout(fetchCode, 2_000);
        return;
      }
      setError(null);
      setCode(res.data);
      const svg = await QRCode.toString(res.data.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      if (!stopped) setImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
      timer = setTimeout(fetchCode, Math.max(250, Date.parse(res.data.expiresAt) - Date.now() + 50));
    };
    void fetchCode();
    const offConnect = live.onConnect(() => {
      clearTimeout(timer);
      void fetchCode();
    });
    return () => {
      stopped = true;
      clearTimeout(timer);
      offConnect();
    };
  }, [live, session.sessionId]);

  // Focus on Close when the screen opens; Escape closes it (the latest onClose, without re-running this).
  const closeHandler = useRef(onClose);
  closeHandler.current = onClose;
  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeHandler.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const course = `${session.courseCode} · ${session.courseTitle}`;
  return (
    <div className="qr-screen" role="dialog" aria-modal="true" aria-labelledby="qr-title" data-testid="qr-screen">
      <header className="qr-head">
        <h1 id="qr-title">
          {t('qrTitle')} <span className="qr-course">{course}</span>
        </h1>
        <button type="button" ref={closeRef} className="button button-secondary" onClick={onClose}>
          {t('qrClose')}
        </button>
      </header>
      <ErrorAlert error={error} />
      {code && image ? (
        <div className="qr-body">
          <img className="qr-image" src={image} alt={t('qrAlt', { course })} data-testid="qr-image" data-url={code.url} />
          <div className="qr-side">
            <p className="qr-type">{t('qrTypeCode')}</p>
            <p className="qr-short" data-testid="qr-short-code" aria-live="polite">
              {code.shortCode}
            </p>
            <p className="qr-changes">{t('qrChanges', { n: code.stepSeconds })}</p>
            {present && (
              <p className="qr-present" data-testid="qr-present">
                {t('qrPresentCount', { n: present.n, total: present.total })}
              </p>
            )}
          </div>
        </div>
      ) : (
        !error && <p className="qr-loading">{t('qrLoading')}</p>
      )}
    </div>
  );
}
