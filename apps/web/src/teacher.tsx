import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CourseSummary, ErrorBody, ReportReply, RosterEntry, RosterUpdate, SessionView } from '@classconnect/contracts';
import { downloadReportCsv, ApiError, type Auth } from './api.js';
import { LocationError, currentPosition } from './geo.js';
import { errorText, formatTime, t } from './i18n.js';
import type { Live } from './live.js';
import { ErrorAlert } from './ui.js';

type Phase = { kind: 'courses' } | { kind: 'live'; session: SessionView } | { kind: 'report'; session: SessionView };

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
    return <Report live={live} auth={auth} session={phase.session} onBack={() => setPhase({ kind: 'courses' })} />;
  }
  return (
    <CourseList
      live={live}
      courses={courses}
      error={error}
      onError={setError}
      onStarted={(session) => {
        setError(null);
        setPhase({ kind: 'live', session });
      }}
    />
  );
}

function CourseList(props: {
  live: Live;
  courses: CourseSummary[] | null;
  error: ErrorBody | string | null;
  onError: (e: ErrorBody | string | null) => void;
  onStarted: (s: SessionView) => void;
}) {
  const { live, courses, error, onError, onStarted } = props;
  const [radius, setRadius] = useState(100);
  const [starting, setStarting] = useState<string | null>(null);

  async function start(course: CourseSummary) {
    setStarting(course.id);
    onError(null);
    try {
      const position = await currentPosition();
      const res = await live.request('session:start', { courseId: course.id, position, radiusM: radius });
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
        <label htmlFor="radius">{t('radiusLabel')}</label>
        <select id="radius" value={radius} onChange={(e) => setRadius(Number(e.target.value))} aria-describedby="radius-hint">
          {Radii.map((r) => (
            <option key={r} value={r}>
              {t('metres', { n: r })}
            </option>
          ))}
        </select>
        <p id="radius-hint" className="hint">
          {t('radiusHint')}
        </p>
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
              <button
                type="button"
                className="button button-primary"
                onClick={() => start(c)}
                disabled={starting !== null}
                aria-label={t('startFor', { course: `${c.code} ${c.title}` })}
              >
                {starting === c.id ? t('starting') : t('start')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type RowState = { name: string; state: 'present' | 'absent' | 'rejected'; at?: string; distanceM?: number; reason?: string };

/** The roster as the teacher sees it: session:get's snapshot, then every push applied in order (present is never downgraded). */
function fold(base: RosterEntry[], updates: RosterUpdate[]): Map<string, RowState> {
  const rows = new Map<string, RowState>();
  for (const e of base) rows.set(e.studentId, { name: e.name, state: e.state, at: e.markedAt, distanceM: e.distanceM });
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
    const offUpdate = live.on('roster:update', (u) => {
      if (u.sessionId === session.sessionId) setUpdates((list) => [...list, u]);
    });
    const offClosed = live.on('session:closed', (c) => {
      if (c.sessionId === session.sessionId) finish({ ...session, status: 'closed', closedAt: c.closedAt });
    });
    const offConnect = live.onConnect(async () => {
      const res = await live.request('session:get', { sessionId: session.sessionId });
      if (res.ok) {
        setBase(res.data.roster ?? []);
        if (res.data.status === 'closed') finish(res.data);
      } else setError(res.error);
    });
    return () => {
      offUpdate();
      offClosed();
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
    if (res.error.code === 'SESSION_NOT_OPEN') return finish({ ...session, status: 'closed' });
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
          <p className="muted">{t('openedAt', { time: formatTime(session.openedAt), radius: session.radiusM })}</p>
        </div>
        <button type="button" className="button button-stop" onClick={stop} disabled={stopping}>
          {stopping ? t('stopping') : t('stop')}
        </button>
      </div>
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
            <li key={id} className={`roster-row state-${r.state}`} data-state={r.state}>
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
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Tile({ kind, label, value, total }: { kind: string; label: string; value: number; total: number }) {
  return (
    <div className={`tile tile-${kind}`} data-testid={`count-${kind}`}>
      <span className="tile-value">{value}</span>
      <span className="tile-label">
        {label}
        <span className="visually-hidden"> / {total}</span>
      </span>
    </div>
  );
}

function Report({ live, auth, session, onBack }: { live: Live; auth: Auth; session: SessionView; onBack: () => void }) {
  const [report, setReport] = useState<ReportReply | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [downloadError, setDownloadError] = useState<ErrorBody | null>(null);

  useEffect(() => {
    let cancelled = false;
    let wake: (() => void) | undefined;
    const offReady = live.on('report:ready', (r) => {
      if (r.sessionId === session.sessionId) wake?.();
    });
    (async () => {
      // The report is built when the session closes: fetch it at once, and again on report:ready (or every 2 s).
      for (let attempt = 0; attempt < 60 && !cancelled; attempt++) {
        const res = await live.request('report:get', { sessionId: session.sessionId });
        if (cancelled) return;
        if (res.ok) return setReport(res.data);
        if (res.error.code !== 'REPORT_NOT_READY' && res.error.code !== 'SESSION_NOT_FOUND' && res.error.code !== 'SERVICE_UNAVAILABLE') return setError(res.error);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 2_000);
        });
      }
    })();
    return () => {
      cancelled = true;
      offReady();
    };
  }, [live, session.sessionId]);

  async function download() {
    setDownloadError(null);
    try {
      await downloadReportCsv(auth.accessToken, session.sessionId);
    } catch (err) {
      setDownloadError(err instanceof ApiError ? err.body : { code: 'INTERNAL', message: String(err) });
    }
  }

  return (
    <section aria-labelledby="report-title" className="stack">
      <div className="live-head">
        <div>
          <p className="eyebrow">{t('reportTitle')}</p>
          <h1 id="report-title">
            {session.courseCode} · {session.courseTitle}
          </h1>
          {report && <p className="muted">{`${formatTime(report.openedAt)} – ${formatTime(report.closedAt)}`}</p>}
        </div>
        {report && (
          <button type="button" className="button button-primary" onClick={download}>
            {t('downloadCsv')}
          </button>
        )}
      </div>
      <ErrorAlert error={error ?? downloadError} />
      {!report ? (
        !error && (
          <p className="muted" role="status">
            {t('reportPreparing')}
          </p>
        )
      ) : (
        <>
          <div className="tiles tiles-2">
            <Tile kind="present" label={t('statusPresent')} value={report.presentCount} total={report.rows.length} />
            <Tile kind="absent" label={t('statusAbsent')} value={report.absentCount} total={report.rows.length} />
          </div>
          <div className="table-wrap">
            <table className="report" data-testid="report">
              <caption className="visually-hidden">{t('reportSummary', { present: report.presentCount, absent: report.absentCount })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('colName')}</th>
                  <th scope="col">{t('colStatus')}</th>
                  <th scope="col">{t('colTime')}</th>
                  <th scope="col">{t('colDistance')}</th>
                  <th scope="col">{t('colNote')}</th>
                </tr>
              </thead>
              <tbody>
                {report.rows.map((r) => (
                  <tr key={r.studentId} className={`status-${r.status}`}>
                    <th scope="row">{r.name}</th>
                    <td>
                      <span className={`badge badge-${r.status}`}>{r.status === 'present' ? t('statusPresent') : t('statusAbsent')}</span>
                    </td>
                    <td>{formatTime(r.checkedInAt)}</td>
                    <td>{r.distanceM === undefined ? '' : t('metres', { n: Math.round(r.distanceM) })}</td>
                    <td>{r.lastRejection ? t('lastTry', { reason: errorText(r.lastRejection).short }) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <div>
        <button type="button" className="button button-secondary" onClick={onBack}>
          {t('back')}
        </button>
      </div>
    </section>
  );
}
