import { CourseDownload } from './downloads-ui.js';
import { type ReactNode, useCallback, useEffect } from 'react';
import type { CourseHistoryReply, CourseSummary, HistorySession, MyHistoryReply } from '@classconnect/contracts';
import { formatDate, formatRate, formatTime, t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert, RateBar, StatusBadge } from '../../ui.js';
import { useLoaded } from '../../use-loaded.js';
import { CourseWarnings, MyWarnings, WarningBadge, useCourseWarnings } from '../warnings/warnings.js';

/** A course's closed sessions (counts per status) and its students' attendance rates, for its teachers. */
export function CourseHistory(props: { live: Live; course: CourseSummary; token?: string; onOpenReport: (s: HistorySession) => void; onBack: () => void }) {
  const { live, course, token, onOpenReport, onBack } = props;
  const load = useCallback(() => live.request('history:course', { courseId: course.id }), [live, course.id]);
  const { data, error, reload } = useLoaded<CourseHistoryReply>(live, load);
  const warnings = useCourseWarnings(live, course.id);

  // A report built or changed in this course changes the history.
  useEffect(() => {
    const mine = (e: { courseId: string }) => e.courseId === course.id && void reload();
    const offReady = live.on('report:ready', mine);
    const offUpdated = live.on('report:updated', mine);
    return () => {
      offReady();
      offUpdated();
    };
  }, [live, course.id, reload]);

  return (
    <section aria-labelledby="history-title" className="stack">
      <div>
        <button type="button" className="link-button back-link" onClick={onBack}>
          <span aria-hidden="true">← </span>
          {t('back')}
        </button>
      </div>
      <div className="live-head">
        <div className="live-title">
          <p className="eyebrow eyebrow-plain">{t('historyTitle')}</p>
          <h1 id="history-title">
            {course.code} · {course.title}
          </h1>
        </div>
        {token && data && data.sessions.length > 0 && <CourseDownload token={token} courseId={course.id} />}
      </div>
      <ErrorAlert error={error} />
      {!data ? (
        !error && <p className="muted">{t('loading')}</p>
      ) : (
        <>
          <h2 id="history-sessions">{t('historySessions', { n: data.sessions.length })}</h2>
          {data.sessions.length === 0 ? (
            <p className="panel calm">{t('historyNoSessions')}</p>
          ) : (
            <div className="table-wrap">
              <table className="report history stack-table" data-testid="history-sessions" aria-labelledby="history-sessions">
                <thead>
                  <tr>
                    <th scope="col">{t('colDate')}</th>
                    <th scope="col" className="num">{t('statusPresent')}</th>
                    <th scope="col" className="num">{t('statusLate')}</th>
                    <th scope="col" className="num">{t('statusExcused')}</th>
                    <th scope="col" className="num">{t('statusAbsent')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('openReport')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.sessions.map((s) => {
                    const date = formatDate(s.openedAt ?? s.closedAt);
                    return (
                      <tr key={s.sessionId} data-session={s.sessionId}>
                        <th scope="row">
                          {date}
                          <span className="sub">{`${formatTime(s.openedAt)} – ${formatTime(s.closedAt)}`}</span>
                        </th>
                        <td className="num" data-label={t('statusPresent')}>{s.counts.present}</td>
                        <td className="num" data-label={t('statusLate')}>{s.counts.late}</td>
                        <td className="num" data-label={t('statusExcused')}>{s.counts.excused}</td>
                        <td className="num" data-label={t('statusAbsent')}>{s.counts.absent}</td>
                        <td className="actions">
                          <button type="button" className="button button-secondary button-small" onClick={() => onOpenReport(s)} aria-label={t('openReportOf', { date })}>
                            {t('openReport')}
                          </button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <h2 id="history-students">{t('historyStudents', { n: data.students.length })}</h2>
          <p className="hint" data-testid="history-rate-note">
            {t(`rateNote_${data.excusedPolicy ?? 'exclude'}`)}
          </p>
          <div className="table-wrap">
            <table className="report history stack-table" data-testid="history-students" aria-labelledby="history-students">
              <thead>
                <tr>
                  <th scope="col">{t('colName')}</th>
                  <th scope="col" className="num">{t('colSessions')}</th>
                  <th scope="col" className="num">{t('statusPresent')}</th>
                  <th scope="col" className="num">{t('statusLate')}</th>
                  <th scope="col" className="num">{t('statusExcused')}</th>
                  <th scope="col" className="num">{t('statusAbsent')}</th>
                  <th scope="col">{t('colRate')}</th>
                </tr>
              </thead>
              <tbody>
                {data.students.map((s) => (
                  <tr key={s.studentId} data-student={s.studentId}>
                    <th scope="row">
                      {s.name}
                      <WarningBadge warnings={warnings.byStudent.get(s.studentId)} />
                      {!s.enrolled && <span className="sub">{t('formerStudent')}</span>}
                    </th>
                    <td className="num" data-label={t('colSessions')}>{s.sessions}</td>
                    <td className="num" data-label={t('statusPresent')}>{s.counts.present}</td>
                    <td className="num" data-label={t('statusLate')}>{s.counts.late}</td>
                    <td className="num" data-label={t('statusExcused')}>{s.counts.excused}</td>
                    <td className="num" data-label={t('statusAbsent')}>{s.counts.absent}</td>
                    <td data-testid="rate" className="rate-cell">
                      <RateBar rate={s.rate} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <CourseWarnings live={live} courseId={course.id} state={warnings} />
        </>
      )}
    </section>
  );
}

/** A student's own attendance: each closed session of each of their courses, and the rate per course. */
/** `extra`: shown under the courses, above Back (the downloads of records and of all the student’s data). */
export function MyHistory({ live, onBack, extra }: { live: Live; onBack: () => void; extra?: ReactNode }) {
  const load = useCallback(() => live.request('history:mine', {}), [live]);
  const { data, error } = useLoaded<MyHistoryReply>(live, load);

  return (
    <section aria-labelledby="my-history-title" className="stack">
      <h1 id="my-history-title">{t('myHistory')}</h1>
      <MyWarnings live={live} />
      <ErrorAlert error={error} />
      {!data ? (
        !error && <p className="muted">{t('loading')}</p>
      ) : (
        data.courses.map((c) => {
          const attended = c.counts.present + c.counts.late;
          return (
            <article key={c.courseId} className="panel history-course" aria-labelledby={`h-${c.courseId}`} data-testid="my-course-history">
              <h2 id={`h-${c.courseId}`}>
                <span className="course-code">{c.courseCode}</span> <span className="course-title">{c.courseTitle}</span>
              </h2>
              {c.sessions.length === 0 ? (
                <p className="muted">{t('myHistoryNone')}</p>
              ) : (
                <>
                  <p className="rate-line">
                    <strong data-testid="my-rate">{t('myRate', { rate: formatRate(c.rate) })}</strong>
                    <span className="muted"> · {t('myAttended', { attended, n: c.sessions.length })}</span>
                  </p>
                  <p className="hint">{t(`rateNote_${c.excusedPolicy ?? 'exclude'}`)}</p>
                  <RateBar rate={c.rate} label="" />
                  <ul className="history-list">
                    {c.sessions.map((s) => (
                      <li key={s.sessionId} data-status={s.status}>
                        <span className="history-date">
                          {formatDate(s.openedAt ?? s.closedAt)}
                          <span className="sub">{formatTime(s.openedAt ?? s.closedAt)}</span>
                        </span>
                        <span className="history-status">
                          <StatusBadge status={s.status} />
                          {s.changedByHand && <span className="sub">{t('setByTeacher')}</span>}
                        </span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </article>
          );
        })
      )}
      {extra}
      <div>
        <button type="button" className="button button-secondary" onClick={onBack}>
          {t('backHome')}
        </button>
      </div>
    </section>
  );
}
