/**
 * On the report of a session just stopped: "Reopen", with the minutes left, for a Stop pressed by
 * mistake. The server decides (session:reopen within its window); this only offers it while the
 * session says it may (reopenableUntil), and takes the teacher back to the live view once it is open
 * again — also when a colleague reopened it.
 */
import { useEffect, useState } from 'react';
import type { ErrorBody, SessionView } from '@classconnect/contracts';
import { LocationError, currentPosition } from '../../geo.js';
import { errorText, plural, t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';

/** How often the minutes left are redrawn. */
const TickMs = 10_000;

export function ReopenPanel({
  live,
  sessionId,
  until,
  fromRoom,
  onReopened,
}: {
  live: Live;
  sessionId: string;
  until?: string;
  /** Started from a room: the server takes the room's place again; otherwise this device's position is the fence's centre, as at Start. */
  fromRoom: boolean;
  onReopened: (s: SessionView) => void;
}) {
  const [deadline, setDeadline] = useState(until);
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | string | null>(null);

  useEffect(() => {
    let gone = false;
    // The Stop's ack says until when; a report opened another way (or the close push first) asks the session.
    if (!until) {
      void live.request('session:get', { sessionId }).then((res) => {
        if (!gone && res.ok && res.data.status === 'closed') setDeadline(res.data.reopenableUntil);
      });
    }
    const off = live.on('session:reopened', (e) => {
      if (e.sessionId !== sessionId) return;
      void live.request('session:get', { sessionId }).then((res) => !gone && res.ok && res.data.status === 'open' && onReopened(res.data));
    });
    const tick = setInterval(() => setNow(Date.now()), TickMs);
    return () => {
      gone = true;
      off();
      clearInterval(tick);
    };
  }, [live, sessionId, until, onReopened]);

  const leftMs = deadline ? Date.parse(deadline) - now : 0;
  if (leftMs <= 0) return null;

  async function reopen() {
    setBusy(true);
    setError(null);
    // The session's place is not kept after Stop (positions never are): this device gives it again.
    let position;
    if (!fromRoom) {
      try {
        position = await currentPosition();
      } catch (err) {
        setBusy(false);
        return setError(err instanceof LocationError ? t(err.kind === 'denied' ? 'locationDenied' : 'locationUnavailable') : errorText('INTERNAL').problem);
      }
    }
    const res = await live.request('session:reopen', { sessionId, ...(position ? { position } : {}) });
    if (res.ok) return onReopened(res.data);
    // Reopened meanwhile (a colleague, or a retry): the session says so.
    const current = await live.request('session:get', { sessionId });
    if (current.ok && current.data.status === 'open') return onReopened(current.data);
    setError(res.error);
    setBusy(false);
    if (res.error.code === 'REOPEN_WINDOW_PASSED' || res.error.code === 'SESSION_NOT_STOPPED') setDeadline(undefined);
  }

  const minutes = Math.max(1, Math.ceil(leftMs / 60_000));
  return (
    <div className="panel reopen-panel" data-testid="reopen-panel">
      <p className="reopen-title">
        <strong>{t('reopenTitle')}</strong> <span data-testid="reopen-left">{plural('reopenLeft', minutes)}</span>
      </p>
      <p className="hint" id="reopen-hint">
        {t('reopenHint')}
      </p>
      <ErrorAlert error={error} />
      <button type="button" className="button button-secondary" onClick={reopen} disabled={busy} aria-describedby="reopen-hint" data-testid="reopen">
        {busy ? t('reopening') : t('reopenButton')}
      </button>
    </div>
  );
}
