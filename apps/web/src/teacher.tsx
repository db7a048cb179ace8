import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AttendanceStatus, CourseSummary, ErrorBody, MarkChangeReply, MarkOverride, RosterEntry, RosterUpdate, SessionView } from '@classconnect/contracts';
import type { Auth } from './api.js';
import { LocationError, currentPosition } from './geo.js';
import { CourseHistory } from './history.js';
import { PendingDevicesPanel } from './devices.js';
import { errorText, formatTime, statusText, t } from './i18n.js';
import type { Live } from './live.js';
import { FlagBadges, useSessionFlags } from './flags.js';
import { MarkEditor } from './mark-editor.js';
import { ErrorAlert, StatusBadge, Tile } from './ui.js';
import { Report } from './report.js';
import { QrOptionsField } from './qr-options.js';
import { QrScreen } from './qr-view.js';
import type { RoomView } from '@classconnect/contracts';
import { RoomPicker } from './admin/room-picker.js';
import { EnrollmentsPanel } from './admin/enrollments-panel.js';
import { RosterImport } from './admin/roster-import.js';

/** What the report screen needs to know about its session before the report arrives. */
type ReportTarget = Pick<SessionView, 'sessionId' | 'courseCode' | 'courseTitle' | 'closeReason'>;

type Phase =
  | { kind: 'courses' }
  | { kind: 'live'; session: SessionView }
  | { kind: 'report'; session: ReportTarget; from?: CourseSummary }
  | { kind: 'history'; course: CourseSummary };

const Radii = [30, 50, 100, 150, 200, 300, 500];

export function TeacherHome({ live, auth }: { live: Live; auth: Auth }) {
  const [courses, setCourses] = useState<CourseSummary[] | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'courses' });
  const [error, setError] = useState<ErrorBody | string | null>(null);

  // After every (re)connect: the courses, and a session of ours still open (pushes are not replayed).
  useEffect(
    () =>
      live.onConnect(async () => {
        const me = await live.request('me:get', {});
        if (me.ok) setCourses(me.data.courses.filter((c) => c.relation === 'teacher'));
        const active = await live.request('sessions:active', {});
        if (active.ok) {
          const mine = active.data.sessions.find((s) => s.status === 'open' && s.teacherId === auth.user.id);
          if (mine) setPhase((p) => (p.kind === 'courses' ? { kind: 'live', session: mine } : p));
        }
      }),
    [live, auth.user.id],
  );

  if (phase.kind === 'live') {
    return <LiveSession live={live} session={phase.session} onStopped={(s) => setPhase({ kind: 'report', session: s })} />;
  }
  if (phase.kind === 'report') {
    const from = phase.from;
    return (
      <div className="stack">
        {/* The system closed the session after losing its live state: say so, and that a new one can start. */}
        {phase.session.closeReason === 'state-lost' && (
          <p className="alert alert-info" role="alert" data-testid="session-lost-notice">
            {t('sessionStateLost')}
          </p>
        )}
        <Report
          live={live}
          auth={auth}
          session={phase.session}
          backLabel={from ? t('backToHistory') : t('back')}
          onBack={() => setPhase(from ? { kind: 'history', course: from } : { kind: 'courses' })}
        />
      </div>
    );
  }
  if (phase.kind === 'history') {
    const course = phase.course;
    return (
      <CourseHistory
        live={live}
        course={course}
        onOpenReport={(s) => setPhase({ kind: 'report', session: { sessionId: s.sessionId, courseCode: course.code, courseTitle: course.title }, from: course })}
        onBack={() => setPhase({ kind: 'courses' })}
      />
    );
  }
  return (
    <>
      <PendingDevicesPanel live={live} />
      <CourseList
        live={live}
        courses={courses}
        error={error}
        onError={setError}
        onHistory={(course) => setPhase({ kind: 'history', course })}
        onStarted={(session) => {
          setError(null);
          setPhase({ kind: 'live', session });
        }}
      />
    </>
  );
}

function CourseList(props: {
  live: Live;
  courses: CourseSummary[] | null;
  error: ErrorBody | string | null;
  onError: (e: ErrorBody | string | null) => void;
  onStarted: (s: SessionView) => void;
  onHistory: (c: CourseSummary) => void;
}) {
  const { live, courses, error, onError, onStarted, onHistory } = props;
  const [radius, setRadius] = useState(100);
  const [qrMode, setQrMode] = useState<'off' | 'offered' | 'required'>('off');
  const [starting, setStarting] = useState<string | null>(null);
  const [room, setRoom] = useState<RoomView | null>(null);

  async function start(course: CourseSummary) {
    setStarting(course.id);
    onError(null);
    try {
      const place = room ? { roomId: room.id } : { position: await currentPosition() };
      const res = await live.request('session:start', { courseId: course.id, ...place, radiusM: radius, ...(qrMode === 'off' ? {} : { qr: { mode: qrMode } }) });
      if (res.ok) return onStarted(res.data);
      if (res.error.code === 'SESSION_ALREADY_OPEN') {
        const active = await live.request('sessions:active', {});
        const open = active.ok ? active.data.sessions.find((s) => s.courseId === course.id && s.status === 'open') : undefined;
        if (open) return onStarted(open);
      }
      onError(res.error);
    } catch (err) {
      onError(err instanceof LocationError ? t(err.kind === 'denied' ? 'locationDenied' : 'locationUnavailable') : errorText('INTERNAL').problem);
    } finally {
      setStarting(null);
    }
  }

  return (
    <section aria-labelledby="courses-title" className="stack">
      <h1 id="courses-title">{t('yourCourses')}</h1>
      <div className="panel">
        <RoomPicker live={live} value={room} onChange={(r) => (setRoom(r), r && setRadius(r.defaultRadiusM))} />
        <label htmlFor="radius">{t('radiusLabel')}</label>
        <select id="radius" value={radius} onChange={(e) => setRadius(Number(e.target.value))} aria-describedby="radius-hint">
          {[...new Set([...Radii, radius])].sort((a, b) => a - b).map((r) => (
            <option key={r} value={r}>
              {t('metres', { n: r })}
            </option>
          ))}
        </select>
        <p id="radius-hint" className="hint">
          {t('radiusHint')}
        </p>
        <QrOptionsField value={qrMode} onChange={setQrMode} />
      </div>
      <ErrorAlert error={error} />
      {courses === null ? (
        <p className="muted">{t('loading')}</p>
      ) : courses.length === 0 ? (
        <p className="muted">{t('noCourses')}</p>
      ) : (
        <ul className="course-list">
          {courses.map((c) => (
            <li key={c.id} className="course-card">
              <div className="course-name">
                <span className="course-code">{c.code}</span>
                <span className="course-title">{c.title}</span>
              </div>
              <div className="course-actions">
                <button
                  type="button"
                  className="button button-secondary"
                  onClick={() => onHistory(c)}
                  aria-label={t('historyFor', { course: `${c.code} ${c.title}` })}
                >
                  {t('history')}
                </button>
                <button
                  type="button"
                  className="button button-primary"
                  onClick={() => start(c)}
                  disabled={starting !== null}
                  aria-label={t('startFor', { course: `${c.code} ${c.title}` })}
                >
                  {starting === c.id ? t('starting') : t('start')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {courses && courses.length > 0 ? <EnrollmentsPanel live={live} courses={courses} collapsible /> : null}
      {courses && courses.length > 0 ? <RosterImport live={live} courses={courses} collapsible /> : null}
    </section>
  );
}

type RowState = {
  name: string;
  state: 'present' | 'absent' | 'rejected';
  at?: string;
  distanceM?: number;
  reason?: string;
  /** The status as session:get gave it; a change by hand wins over any check-in. */
  status?: AttendanceStatus;
  override?: MarkOverride;
};

/** The roster as the teacher sees it: session:get's snapshot, then every push applied in order (present is never downgraded). */
function fold(base: RosterEntry[], updates: RosterUpdate[]): Map<string, RowState> {
  const rows = new Map<string, RowState>();
  for (const e of base) rows.set(e.studentId, { name: e.name, state: e.state, at: e.markedAt, distanceM: e.distanceM, status: e.status, override: e.override });
  for (const u of updates) {
    const row = rows.get(u.studentId) ?? { name: u.name ?? '—', state: 'absent' as const };
    if (row.state === 'present') continue;
    rows.set(u.studentId, u.state === 'present' ? { ...row, state: 'present', at: u.at, distanceM: u.distanceM } : { ...row, state: 'rejected', at: u.at, distanceM: u.distanceM, reason: u.reason });
  }
  return rows;
}

function LiveSession({ live, session, onStopped }: { live: Live; session: SessionView; onStopped: (s: SessionView) => void }) {
  const [base, setBase] = useState<RosterEntry[] | null>(null);
  const [updates, setUpdates] = useState<RosterUpdate[]>([]);
  const [stopping, setStopping] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [showQr, setShowQr] = useState(false);
  const qrButton = useRef<HTMLButtonElement>(null);
  const [saved, setSaved] = useState('');
  const stoppedRef = useRef(false);
  const flags = useSessionFlags(live, session.sessionId);

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
    const offUpdate = live.on('roster:update', (u) => {
      if (u.sessionId !== session.sessionId) return;
      setUpdates((list) => [...list, u]);
      // A student enrolled after the session opened is not in the snapshot yet: read it again for their name.
      if (!known.has(u.studentId)) void refresh();
    });
    const offClosed = live.on('session:closed', (c) => {
      if (c.sessionId === session.sessionId) finish({ ...session, status: 'closed', closedAt: c.closedAt, ...(c.closeReason ? { closeReason: c.closeReason } : {}) });
    });
    const refresh = async () => {
      const res = await live.request('session:get', { sessionId: session.sessionId });
      if (res.ok) {
        setBase(res.data.roster ?? []);
        for (const r of res.data.roster ?? []) known.add(r.studentId);
        if (res.data.status === 'closed') finish(res.data);
      } else setError(res.error);
    };
    // A status set by hand (here or on a colleague's screen): the roster snapshot carries it.
    const offMark = live.on('mark:changed', (m) => {
      if (m.sessionId === session.sessionId) void refresh();
    });
    const offConnect = live.onConnect(refresh);
    return () => {
      offUpdate();
      offClosed();
      offMark();
      offConnect();
    };
  }, [live, session, finish]);

  const rows = useMemo(() => [...fold(base ?? [], updates).entries()].sort((a, b) => a[1].name.localeCompare(b[1].name)), [base, updates]);
  const counts = { present: 0, absent: 0, rejected: 0 };
  for (const [, r] of rows) counts[r.state]++;

  async function stop() {
    setStopping(true);
    setError(null);
    const res = await live.request('session:stop', { sessionId: session.sessionId });
    if (res.ok) return finish(res.data);
    if (res.error.code === 'SESSION_NOT_OPEN') {
      // Closed meanwhile (by a colleague, the time limit or the system): session:get says how.
      const now = await live.request('session:get', { sessionId: session.sessionId });
      return finish(now.ok ? now.data : { ...session, status: 'closed' });
    }
    setError(res.error);
    setStopping(false);
  }

  return (
    <section aria-labelledby="live-title" className="stack">
      <div className="live-head">
        <div>
          <p className="eyebrow">
            <span className="pulse" aria-hidden="true" /> {t('liveTitle')}
          </p>
          <h1 id="live-title">
            {session.courseCode} · {session.courseTitle}
          </h1>
          <p className="muted">
            {t('openedAt', { time: formatTime(session.openedAt), radius: session.radiusM })}
            {session.room ? ` · ${session.room.name}` : ''}
          </p>
        </div>
        <div className="live-actions">
          {session.qr && (
            <button type="button" ref={qrButton} className="button button-primary" onClick={() => setShowQr(true)}>
              {t('qrShow')}
            </button>
          )}
          <button type="button" className="button button-stop" onClick={stop} disabled={stopping}>
            {stopping ? t('stopping') : t('stop')}
          </button>
        </div>
      </div>
      {showQr && (
        <QrScreen
          live={live}
          session={session}
          onClose={() => {
            setShowQr(false);
            setTimeout(() => qrButton.current?.focus());
          }}
        />
      )}
      <ErrorAlert error={error} />
      <div className="tiles" role="group" aria-label={t('rosterTitle', { n: rows.length })}>
        <Tile kind="present" label={t('present')} value={counts.present} total={rows.length} />
        <Tile kind="absent" label={t('absent')} value={counts.absent} total={rows.length} />
        <Tile kind="rejected" label={t('refused')} value={counts.rejected} total={rows.length} />
      </div>
      <h2>{t('rosterTitle', { n: rows.length })}</h2>
      {base === null ? (
        <p className="muted">{t('loading')}</p>
      ) : (
        <ul className="roster" aria-live="polite" data-testid="roster">
          {rows.map(([id, r]) => (
            <li key={id} className={`roster-row state-${r.state}`} data-state={r.state} data-status={r.override?.status ?? ''}>
              <span className="state-icon" aria-hidden="true">
                {r.state === 'present' ? '✓' : r.state === 'rejected' ? '!' : ''}
              </span>
              <span className="roster-name">{r.name}</span>
              <span className="roster-state">
                {r.state === 'present'
                  ? t('statePresent', { time: formatTime(r.at) })
                  : r.state === 'rejected'
                    ? t('stateRefused', { reason: errorText(r.reason ?? 'INTERNAL').short }) + (r.distanceM === undefined ? '' : ` · ${t('distance', { n: Math.round(r.distanceM) })}`)
                    : t('stateAbsent')}
                {r.override && (
                  <span className="override">
                    <StatusBadge status={r.override.status} /> {t('changedByHand', { reason: r.override.reason })}
                  </span>
                )}
              </span>
              <button
                type="button"
                className="button button-secondary button-small"
                aria-expanded={editing === id}
                aria-label={t('changeStatusFor', { name: r.name })}
                onClick={() => setEditing(editing === id ? null : id)}
              >
                {t('changeStatus')}
              </button>
              <FlagBadges flags={flags.get(id)} />
              {editing === id && (
                <div className="roster-editor">
                  <MarkEditor
                    live={live}
                    sessionId={session.sessionId}
                    student={{ id, name: r.name }}
                    current={r.override?.status ?? r.status ?? (r.state === 'present' ? 'present' : 'absent')}
                    onCancel={() => setEditing(null)}
                    onSaved={(change) => {
                      setEditing(null);
                      setSaved(t('markSaved', { name: r.name, status: statusText(change.status) }));
                      setBase((b) => applyChange(b, change));
                    }}
                  />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <p className="visually-hidden" role="status">
        {saved}
      </p>
    </section>
  );
}

/** Shows a change by hand at once, before the mark:changed push brings the roster snapshot again. */
function applyChange(base: RosterEntry[] | null, change: MarkChangeReply): RosterEntry[] | null {
  return (
    base?.map((e) =>
      e.studentId === change.studentId
        ? { ...e, status: change.status, override: { status: change.status, reason: change.reason, by: change.changedBy, at: change.changedAt } }
        : e,
    ) ?? null
  );
}
