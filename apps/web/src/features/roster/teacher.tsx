import { useCallback, useEffect, useState } from 'react';
import type { CourseSummary, ErrorBody, SessionView } from '@classconnect/contracts';
import type { Auth } from '../../api.js';
import { LocationError, currentPosition } from '../../geo.js';
import { CourseHistory } from '../reports/history.js';
import { PendingDevicesPanel } from '../checkin/devices.js';
import { MyDataDownload } from '../reports/downloads-ui.js';
import { errorText, t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';
import { LiveSession } from './live-session.js';
import { ReopenPanel } from './reopen-panel.js';
import { Report } from '../reports/report.js';
import { QrOptionsField } from './qr-options.js';
import type { RoomView } from '@classconnect/contracts';
import { RoomPicker } from '../admin/room-picker.js';
import { EnrollmentsPanel } from '../admin/enrollments-panel.js';
import { RosterImport } from '../admin/roster-import.js';

/** What the report screen needs to know about its session before the report arrives. */
type ReportTarget = Pick<SessionView, 'sessionId' | 'courseCode' | 'courseTitle' | 'closeReason' | 'reopenableUntil' | 'room'>;

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

  // A Stop undone (here or by a colleague): back to the live view, which lands on its title.
  const onReopened = useCallback((session: SessionView) => setPhase({ kind: 'live', session }), []);

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
          aside={
            phase.session.closeReason === 'state-lost' ? null : (
              <ReopenPanel live={live} sessionId={phase.session.sessionId} until={phase.session.reopenableUntil} fromRoom={!!phase.session.room} onReopened={onReopened} />
            )
          }
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
        token={auth.accessToken}
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
      <MyDataDownload token={auth.accessToken} />
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
