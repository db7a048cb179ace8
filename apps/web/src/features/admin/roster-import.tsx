/**
 * Importing a roster file: pick a .csv file or paste it, check it (a preview: the summary and every
 * line that cannot be imported, nothing written), then import it. Used by teachers in their course
 * list and by the admin screens.
 */
import { useId, useState } from 'react';
import type { ErrorBody, RosterImportReply, RosterLineCode, RosterLineError } from '@classconnect/contracts';
import { lang, t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';
import './admin-panels.css';

export interface RosterCourse {
  id: string;
  code: string;
  title: string;
}

/** The largest file the server accepts (characters). */
const MaxChars = 900_000;

/** `collapsible`: shown folded under a summary line (the teacher's course list), opened on demand. */
export function RosterImport(props: { live: Live; courses: RosterCourse[]; title?: string; collapsible?: boolean }) {
  return props.collapsible ? (
    <details className="panel roster-fold">
      <summary>{props.title ?? t('rosterOpen')}</summary>
      <RosterImportBody {...props} headless />
    </details>
  ) : (
    <div className="panel">
      <RosterImportBody {...props} />
    </div>
  );
}

function RosterImportBody(props: { live: Live; courses: RosterCourse[]; title?: string; headless?: boolean }) {
  const { live, courses, headless } = props;
  const title = props.title ?? (headless ? t('rosterOpen') : t('rosterImportTitle'));
  const ids = useId();
  const [csv, setCsv] = useState('');
  const [fileNote, setFileNote] = useState('');
  const [courseId, setCourseId] = useState<string>(courses[0]?.id ?? '');
  const [removeMissing, setRemoveMissing] = useState(false);
  const [preview, setPreview] = useState<RosterImportReply | null>(null);
  const [done, setDone] = useState<RosterImportReply | null>(null);
  const [busy, setBusy] = useState<'preview' | 'commit' | null>(null);
  const [error, setError] = useState<ErrorBody | string | null>(null);

  /** Any change to the file or the options makes the preview stale. */
  function changed() {
    setPreview(null);
    setDone(null);
    setError(null);
  }

  async function pick(file: File | undefined) {
    changed();
    if (!file) return;
    const text = await file.text();
    setCsv(text);
    setFileNote(t('rosterFileRead', { name: file.name, lines: text.split(/\r\n|\r|\n/).filter((l) => l.trim()).length }));
  }

  async function run(mode: 'preview' | 'commit') {
    if (!csv.trim()) return setError(t('rosterEmpty'));
    if (csv.length > MaxChars) return setError(t('rosterTooLarge'));
    setBusy(mode);
    setError(null);
    const res = await live.request('roster:import', { csv, mode, removeMissing, ...(courseId ? { courseId } : {}) }, 120_000);
    setBusy(null);
    if (!res.ok) return setError(res.error.code === 'VALIDATION_FAILED' ? res.error.message : res.error);
    if (mode === 'preview') setPreview(res.data);
    else {
      setPreview(null);
      setDone(res.data);
    }
  }

  function again() {
    setCsv('');
    setFileNote('');
    changed();
  }

  const shown = done ?? preview;
  return (
    <section className="stack roster-import" aria-label={title}>
      <div>
        {headless ? null : <h2>{title}</h2>}
        <p className="hint">{t('rosterIntro')}</p>
      </div>
      {done ? null : (
        <>
          <div className="field">
            <label htmlFor={`${ids}-course`}>{t('rosterCourse')}</label>
            <select
              id={`${ids}-course`}
              value={courseId}
              onChange={(e) => {
                setCourseId(e.target.value);
                changed();
              }}
              aria-describedby={`${ids}-course-hint`}
            >
              {courses.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.code} — {c.title}
                </option>
              ))}
              <option value="">{t('rosterCourseFromFile')}</option>
            </select>
            <p id={`${ids}-course-hint`} className="hint">
              {t('rosterCourseHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${ids}-file`}>{t('rosterFile')}</label>
            <input id={`${ids}-file`} type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void pick(e.target.files?.[0])} />
            {fileNote ? <p className="hint">{fileNote}</p> : null}
          </div>
          <div className="field">
            <label htmlFor={`${ids}-csv`}>{t('rosterPaste')}</label>
            <textarea
              id={`${ids}-csv`}
              className="roster-text"
              rows={6}
              spellCheck={false}
              value={csv}
              placeholder={'email,name,course\nlea.martin@univ.example,Léa Martin,PH110'}
              onChange={(e) => {
                setCsv(e.target.value);
                setFileNote('');
                changed();
              }}
            />
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={removeMissing}
              onChange={(e) => {
                setRemoveMissing(e.target.checked);
                changed();
              }}
            />
            <span>{t('rosterRemoveMissing')}</span>
          </label>
          <div className="mark-actions">
            <button type="button" className="button button-secondary" onClick={() => void run('preview')} disabled={busy !== null}>
              {busy === 'preview' ? t('rosterChecking') : t('rosterPreview')}
            </button>
            {preview ? (
              <button type="button" className="button button-primary" onClick={() => void run('commit')} disabled={busy !== null || !preview.changes}>
                {busy === 'commit' ? t('rosterImporting') : preview.changes ? t('rosterImport') : t('rosterNothing')}
              </button>
            ) : null}
          </div>
        </>
      )}
      <ErrorAlert error={error} />
      {shown ? <ImportReport reply={shown} /> : null}
      {done ? (
        <div>
          <button type="button" className="button button-secondary" onClick={again}>
            {t('rosterAgain')}
          </button>
        </div>
      ) : null}
    </section>
  );
}

/** The line's problem in the reader's language, from its code and fields (the server's English sentence otherwise). */
function lineMessage(e: RosterLineError): string {
  switch (e.code) {
    case 'BAD_EMAIL':
      return e.email ? t('rosterMsg_BAD_EMAIL', { email: e.email }) : t('rosterMsg_NO_EMAIL');
    case 'MISSING_NAME':
      return e.email ? t('rosterMsg_MISSING_NAME', { email: e.email }) : e.message;
    case 'UNKNOWN_COURSE':
      return e.courseCode ? t('rosterMsg_UNKNOWN_COURSE', { course: e.courseCode }) : t('rosterMsg_NO_COURSE');
    case 'DUPLICATE_LINE':
      return e.firstLine ? t('rosterMsg_DUPLICATE_LINE', { line: e.firstLine }) : e.message;
    case 'NOT_A_STUDENT':
      return e.email && e.role ? t(e.role === 'admin' ? 'rosterMsg_NOT_A_STUDENT_admin' : 'rosterMsg_NOT_A_STUDENT_teacher', { email: e.email }) : e.message;
    case 'NOT_YOUR_COURSE':
      return e.courseCode ? t('rosterMsg_NOT_YOUR_COURSE', { course: e.courseCode }) : e.message;
    default:
      return e.message;
  }
}

function ImportReport({ reply }: { reply: RosterImportReply }) {
  const ids = useId();
  const s = reply.summary;
  const committed = reply.committed;
  const cells: [string, number, string][] = [
    [committed ? t('rosterCreatedDone') : t('rosterCreated'), s.accountsCreated, 'created'],
    [committed ? t('rosterEnrolledDone') : t('rosterEnrolled'), s.enrolled, 'enrolled'],
    [t('rosterAlready'), s.alreadyEnrolled, 'already'],
    [committed ? t('rosterRemovedDone') : t('rosterRemoved'), s.removed, 'removed'],
    [t('rosterErrors'), s.errorLines, 'errors'],
  ];
  return (
    <div className="stack" data-testid={committed ? 'roster-result' : 'roster-preview'}>
      <p className={committed ? 'alert alert-ok' : 'alert alert-info'} role="status">
        {committed ? `${t('rosterDone')} ` : ''}
        {/* The server's sentence is English; other languages get a headline of their own (the numbers say the rest). */}
        {lang === 'en' ? reply.message : !reply.changes ? t('rosterHeadNothing') : committed ? t('rosterHeadDone') : t('rosterHeadPreview')}
        {committed && s.accountsCreated > 0 ? ` ${t('rosterPasswordNote')}` : ''}
      </p>
      <dl className="roster-summary" aria-label={t('rosterSummary')}>
        {cells.map(([label, value, kind]) => (
          <div key={kind} className={`roster-count roster-count-${kind}`} data-testid={`roster-${kind}`}>
            <dt>{label}</dt>
            <dd>{value.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
      {reply.ignoredColumns?.length ? (
        <p className="alert alert-info" data-testid="roster-ignored-columns">
          {t('rosterIgnoredColumns', { columns: reply.ignoredColumns.map((c) => `“${c}”`).join(', ') })}
        </p>
      ) : null}
      {reply.errors.length > 0 ? (
        <div>
          <h3 id={`${ids}-errors`}>{t('rosterErrorsTitle', { n: s.errorLines })}</h3>
          {s.errorLines > reply.errors.length ? <p className="hint">{t('rosterErrorsMore', { shown: reply.errors.length, n: s.errorLines })}</p> : null}
          {/* Focusable, so a keyboard can scroll a long list. */}
          <div className="table-wrap roster-errors" role="region" aria-labelledby={`${ids}-errors`} tabIndex={0}>
            <table aria-labelledby={`${ids}-errors`}>
              <thead>
                <tr>
                  <th scope="col">{t('rosterLine')}</th>
                  <th scope="col">{t('rosterProblem')}</th>
                </tr>
              </thead>
              <tbody>
                {reply.errors.map((e) => (
                  <tr key={`${e.line}-${e.code}`}>
                    <td className="num">{e.line}</td>
                    <td>
                      <span className="badge badge-problem">{t(`rosterCode_${e.code as RosterLineCode}`)}</span> {lineMessage(e)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </div>
  );
}
