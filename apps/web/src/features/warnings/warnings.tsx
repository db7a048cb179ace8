/**
 * Low-attendance warnings in the web client: the student's own (on their history), and for a
 * course's teachers a badge beside each warned student, the list of open warnings and the course's
 * thresholds. Each view re-reads on (re)connect and whenever a warning of its scope is raised or
 * cleared (the server pushes both to the student and to the course's teachers).
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import type { CourseWarningsReply, ErrorBody, ExcusedPolicy, MyWarningsReply, OpenWarning, Result, WarningThresholds } from '@classconnect/contracts';
import { formatDate, formatRate } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';
import { useLoaded, type Loaded } from '../../use-loaded.js';
import { excusedText, wt } from './warnings-text.js';
import './warnings.css';
import { InputLimits } from '@classconnect/contracts/limits';

/** What `load` reads, read again on (re)connect and whenever a warning raised or cleared is `relevant`. */
function useWarnings<T>(live: Live, load: () => Promise<Result<T>>, relevant: (e: { courseId: string; studentId: string }) => boolean): Loaded<T> {
  const loaded = useLoaded(live, load);
  const { reload } = loaded;
  useEffect(() => {
    const onPush = (e: { courseId: string; studentId: string }) => relevant(e) && void reload();
    const offRaised = live.on('warning:raised', onPush);
    const offCleared = live.on('warning:cleared', onPush);
    return () => {
      offRaised();
      offCleared();
    };
  }, [live, reload, relevant]);
  return loaded;
}

/** The student's own open warnings; nothing at all when there are none. */
export function MyWarnings({ live }: { live: Live }) {
  const load = useCallback(() => live.request('warnings:mine', {}), [live]);
  const all = useCallback(() => true, []);
  const { data, error } = useWarnings<MyWarningsReply>(live, load, all);
  if (error) return <ErrorAlert error={error} />;
  if (!data?.warnings.length) return null;
  return (
    <section className="warnings-panel" role="status" aria-labelledby="my-warnings-title" data-testid="my-warnings">
      <h2 id="my-warnings-title">
        <span aria-hidden="true">⚠ </span>
        {wt('myTitle')}
      </h2>
      <ul>
        {data.warnings.map((w) => (
          <li key={w.warningId} data-kind={w.kind}>
            {w.kind === 'LOW_RATE'
              ? wt('lowRate', { course: w.courseCode, rate: formatRate(w.figures.rate), n: w.figures.countedSessions, min: formatRate(w.thresholds.minRate) })
              : wt('consecutive', { course: w.courseCode, n: w.figures.consecutiveAbsences })}
          </li>
        ))}
      </ul>
      <p className="hint">{wt('myHint')}</p>
    </section>
  );
}

/** A course's open warnings and thresholds, for its teachers: `byStudent` gives the badges. */
export function useCourseWarnings(live: Live, courseId: string) {
  const load = useCallback(() => live.request('warnings:course', { courseId }), [live, courseId]);
  const ofCourse = useCallback((e: { courseId: string }) => e.courseId === courseId, [courseId]);
  const loaded = useWarnings<CourseWarningsReply>(live, load, ofCourse);
  const byStudent = useMemo(() => {
    const map = new Map<string, OpenWarning[]>();
    for (const w of loaded.data?.warnings ?? []) map.set(w.studentId, [...(map.get(w.studentId) ?? []), w]);
    return map;
  }, [loaded.data]);
  return { ...loaded, byStudent };
}
export type CourseWarningsState = ReturnType<typeof useCourseWarnings>;

/** The badge beside a warned student's name in the course's history. */
export function WarningBadge({ warnings }: { warnings: OpenWarning[] | undefined }) {
  if (!warnings?.length) return null;
  const title = warnings.map(describe).join(' · ');
  return (
    <span className="warning-badge" title={title} data-testid="warning-badge">
      <span aria-hidden="true">⚠ </span>
      {wt('badge')}
      <span className="visually-hidden">: {title}</span>
    </span>
  );
}

function describe(w: OpenWarning): string {
  return w.kind === 'LOW_RATE'
    ? wt('courseLowRate', { rate: formatRate(w.figures.rate), n: w.figures.countedSessions })
    : wt('courseConsecutive', { n: w.figures.consecutiveAbsences });
}

/** The course's list of open warnings, and its thresholds with a form to set its own. */
export function CourseWarnings({ live, courseId, state }: { live: Live; courseId: string; state: CourseWarningsState }) {
  const { data, error, reload } = state;
  if (!data) return <ErrorAlert error={error} />;
  return (
    <section className="stack course-warnings" aria-labelledby="course-warnings-title" data-testid="course-warnings">
      <h2 id="course-warnings-title">{wt('courseTitle', { n: data.warnings.length })}</h2>
      <ErrorAlert error={error} />
      {data.warnings.length === 0 ? (
        <p className="panel calm">{wt('courseNone')}</p>
      ) : (
        <ul className="warning-list panel">
          {data.warnings.map((w) => (
            <li key={w.warningId} data-student={w.studentId} data-kind={w.kind}>
              <strong>{w.name}</strong> — {describe(w)}
              <span className="sub">{wt('since', { date: formatDate(w.raisedAt) })}</span>
            </li>
          ))}
        </ul>
      )}
      <ThresholdsForm live={live} courseId={courseId} reply={data} onSaved={reload} />
    </section>
  );
}

function ThresholdsForm({ live, courseId, reply, onSaved }: { live: Live; courseId: string; reply: CourseWarningsReply; onSaved: () => Promise<void> }) {
  const t = reply.thresholds;
  const [rate, setRate] = useState(String(Math.round(t.minRate * 100)));
  const [sessions, setSessions] = useState(String(t.minSessions));
  const [run, setRun] = useState(String(t.consecutiveAbsences));
  const [excused, setExcused] = useState<ExcusedPolicy>(t.excusedPolicy);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    setRate(String(Math.round(t.minRate * 100)));
    setSessions(String(t.minSessions));
    setRun(String(t.consecutiveAbsences));
    setExcused(t.excusedPolicy);
  }, [t.minRate, t.minSessions, t.consecutiveAbsences, t.excusedPolicy]);

  const send = async (thresholds: WarningThresholds | null) => {
    setSaved(false);
    const res = await live.request('warnings:thresholds:set', { courseId, thresholds });
    if (!res.ok) return setError(res.error);
    setError(null);
    setSaved(true);
    await onSaved();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send({ minRate: Number(rate) / 100, minSessions: Number(sessions), consecutiveAbsences: Number(run), excusedPolicy: excused });
  };
  const note = t.consecutiveAbsences > 0 ? 'thresholdsNote' : 'thresholdsNoteNoRun';
  return (
    <details className="panel">
      <summary>
        {wt('thresholds')} · {reply.overridden ? wt('ownThresholds') : wt('defaultThresholds')}
      </summary>
      <p className="hint">{wt(note, { rate: formatRate(t.minRate), n: t.minSessions, c: t.consecutiveAbsences, excused: excusedText(t.excusedPolicy) })}</p>
      <form className="thresholds-form" onSubmit={submit} data-testid="thresholds-form">
        <label>
          {wt('minRate')}
          <input type="number" min={InputLimits.warningMinRate.min * 100} max={InputLimits.warningMinRate.max * 100} step={1} required value={rate} onChange={(e) => setRate(e.target.value)} name="minRate" />
        </label>
        <label>
          {wt('minSessions')}
          <input type="number" min={InputLimits.warningMinSessions.min} max={InputLimits.warningMinSessions.max} step={1} required value={sessions} onChange={(e) => setSessions(e.target.value)} name="minSessions" />
        </label>
        <label>
          {wt('consecutiveField')}
          <input type="number" min={InputLimits.warningConsecutiveAbsences.min} max={InputLimits.warningConsecutiveAbsences.max} step={1} required value={run} onChange={(e) => setRun(e.target.value)} name="consecutiveAbsences" />
        </label>
        <label>
          {wt('excusedField')}
          <select value={excused} onChange={(e) => setExcused(e.target.value as ExcusedPolicy)} name="excusedPolicy">
            {(['exclude', 'absent', 'attended'] as const).map((p) => (
              <option key={p} value={p}>
                {excusedText(p)}
              </option>
            ))}
          </select>
        </label>
        <div className="actions">
          <button type="submit" className="button button-small">
            {wt('save')}
          </button>
          {reply.overridden && (
            <button type="button" className="button button-secondary button-small" onClick={() => void send(null)}>
              {wt('reset')}
            </button>
          )}
        </div>
      </form>
      <ErrorAlert error={error} />
      {saved && (
        <p className="alert alert-info" role="status">
          {wt('saved')}
        </p>
      )}
    </details>
  );
}
