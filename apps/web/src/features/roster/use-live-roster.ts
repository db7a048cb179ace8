/**
 * The teacher's live roster, as the protocol gives it (docs/protocol.md): the `session:get`
 * snapshot, `roster:update` pushes gathered and applied a few times a second, the snapshot read
 * again after a reconnect, a change by hand (`mark:changed`) or a student it does not know yet,
 * the course's emails for the search, and Stop (`session:stop`; a session closed meanwhile is read
 * back with `session:get`). The screen (live-session.tsx) draws what this holds.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorBody, MarkChangeReply, RosterEntry, RosterUpdate, SessionView } from '@classconnect/contracts';
import type { Live } from '../../live.js';

/** How often pushes that arrived meanwhile are drawn: fast enough to feel live, rare enough for 1,000 rows. */
export const FlushMs = 250;

/** What the live roster needs of the live channel (live.ts): a fake stands in for it in the tests. */
export type RosterChannel = Pick<Live, 'request' | 'on' | 'onConnect'>;

export function useLiveRoster(live: RosterChannel, session: SessionView, onStopped: (s: SessionView) => void) {
  const [base, setBase] = useState<RosterEntry[] | null>(null);
  const [updates, setUpdates] = useState<RosterUpdate[]>([]);
  const [emails, setEmails] = useState<Map<string, string>>(new Map());
  const [stopping, setStopping] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const stoppedRef = useRef(false);

  const finish = useCallback(
    (s: SessionView) => {
      if (stoppedRef.current) return;
      stoppedRef.current = true;
      onStopped(s);
    },
    [onStopped],
  );

  useEffect(() => {
    const known = new Set<string>();
    let pending: RosterUpdate[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const batch = pending;
      pending = [];
      setUpdates((list) => list.concat(batch));
    };
    const refresh = async () => {
      const res = await live.request('session:get', { sessionId: session.sessionId });
      if (res.ok) {
        setBase(res.data.roster ?? []);
        for (const r of res.data.roster ?? []) known.add(r.studentId);
        if (res.data.status === 'closed') finish(res.data);
      } else setError(res.error);
    };
    const offUpdate = live.on('roster:update', (u) => {
      if (u.sessionId !== session.sessionId) return;
      pending.push(u);
      timer ??= setTimeout(flush, FlushMs);
      // A student enrolled after the session opened is not in the snapshot yet: read it again for their name.
      if (!known.has(u.studentId)) {
        known.add(u.studentId);
        void refresh();
      }
    });
    const offClosed = live.on('session:closed', (c) => {
      if (c.sessionId === session.sessionId) finish({ ...session, status: 'closed', closedAt: c.closedAt, ...(c.closeReason ? { closeReason: c.closeReason } : {}) });
    });
    // A status set by hand (here or on a colleague's screen): the roster snapshot carries it.
    const offMark = live.on('mark:changed', (m) => {
      if (m.sessionId === session.sessionId) void refresh();
    });
    const offConnect = live.onConnect(() => {
      void refresh();
      // Emails for the search (the live roster carries names only); a teacher's own course roster.
      void live.request('course:roster', { courseId: session.courseId }).then((r) => {
        if (r.ok) setEmails(new Map(r.data.students.map((s) => [s.id, s.email])));
      });
    });
    return () => {
      clearTimeout(timer);
      offUpdate();
      offClosed();
      offMark();
      offConnect();
    };
  }, [live, session, finish]);

  /** Stops the session; false when it could not (the error says why). */
  async function stop(): Promise<boolean> {
    setStopping(true);
    setError(null);
    const res = await live.request('session:stop', { sessionId: session.sessionId });
    if (res.ok) {
      finish(res.data);
      return true;
    }
    if (res.error.code === 'SESSION_NOT_OPEN') {
      // Closed meanwhile (by a colleague, the time limit or the system): session:get says how.
      const now = await live.request('session:get', { sessionId: session.sessionId });
      finish(now.ok ? now.data : { ...session, status: 'closed' });
      return true;
    }
    setError(res.error);
    setStopping(false);
    return false;
  }

  /** Shows a change by hand at once, before the mark:changed push brings the roster snapshot again. */
  const applyMark = useCallback((change: MarkChangeReply) => setBase((b) => applyChange(b, change)), []);

  return { base, updates, emails, error, stopping, stop, applyMark };
}

function applyChange(base: RosterEntry[] | null, change: MarkChangeReply): RosterEntry[] | null {
  return (
    base?.map((e) =>
      e.studentId === change.studentId
        ? { ...e, status: change.status, override: { status: change.status, reason: change.reason, by: change.changedBy, at: change.changedAt } }
        : e,
    ) ?? null
  );
}
