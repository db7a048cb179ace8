/**
 * A course's students, one at a time: the roster, add a student by email, remove one (after a
 * confirmation). For admins (every course) and teachers (their own courses); whole files go
 * through the roster import.
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { CourseRosterReply, ErrorBody } from '@classconnect/contracts';
import { t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';
import { Field, checked } from './form.js';
import type { RosterCourse } from './roster-import.js';
import './admin.css';
import './admin-panels.css';
import { InputLimits } from '@classconnect/contracts/limits';

export function EnrollmentsPanel({ live, courses, collapsible }: { live: Live; courses: RosterCourse[]; collapsible?: boolean }) {
  return collapsible ? (
    <details className="panel roster-fold">
      <summary>{t('enrolTitle')}</summary>
      <EnrollmentsBody live={live} courses={courses} />
    </details>
  ) : (
    <div className="panel">
      <h2>{t('enrolTitle')}</h2>
      <EnrollmentsBody live={live} courses={courses} />
    </div>
  );
}

function EnrollmentsBody({ live, courses }: { live: Live; courses: RosterCourse[] }) {
  const ids = useId();
  const [courseId, setCourseId] = useState(courses[0]?.id ?? '');
  const [roster, setRoster] = useState<CourseRosterReply | null>(null);
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<ErrorBody | null>(null);

  const load = useCallback(async () => {
    if (!courseId) return;
    const res = await live.request('course:roster', { courseId });
    if (res.ok) setRoster(res.data);
    else setError(res.error);
  }, [live, courseId]);

  useEffect(() => {
    setRoster(null);
    void load();
  }, [load]);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice('');
    const res = await live.request('enrollment:add', { courseId, email });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    setEmail('');
    setNotice(res.data.changed ? t('enrolAdded', { name: res.data.student.name }) : t('enrolAlready', { name: res.data.student.name }));
    void load();
  };

  const remove = async (studentId: string) => {
    setBusy(true);
    setError(null);
    setNotice('');
    const res = await live.request('enrollment:remove', { courseId, targetStudentId: studentId });
    setBusy(false);
    setConfirming(null);
    if (!res.ok) return setError(res.error);
    setNotice(t('enrolRemoved', { name: res.data.student.name }));
    void load();
  };

  return (
    <div className="stack">
      {courses.length > 1 && (
        <div className="admin-fields">
          <div>
            <label htmlFor={`${ids}-course`}>{t('enrolCourse')}</label>
            <select id={`${ids}-course`} value={courseId} onChange={(e) => (setCourseId(e.target.value), setNotice(''), setError(null))}>
              {courses.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.code} · {c.title}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      <form className="admin-form" noValidate onSubmit={checked(add)} aria-label={t('enrolAdd')}>
        <div className="admin-fields">
          <Field id={`${ids}-email`} label={t('enrolEmail')}>
            <input id={`${ids}-email`} type="email" required maxLength={InputLimits.email.max} autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
          </Field>
        </div>
        <div className="mark-actions">
          <button type="submit" className="button button-primary button-small" disabled={busy || !courseId}>
            {t('enrolAdd')}
          </button>
        </div>
      </form>
      <p className="muted" role="status">
        {notice}
      </p>
      <ErrorAlert error={error} />
      {!roster ? (
        <p className="muted">{t('loading')}</p>
      ) : roster.students.length === 0 ? (
        <p className="calm">{t('enrolNone')}</p>
      ) : (
        <>
          <p className="admin-item-sub">{roster.students.length === 1 ? t('enrolCountOne') : t('enrolCount', { count: roster.students.length })}</p>
          <ul className="admin-list" data-testid="enrolled-list">
            {roster.students.map((s) => (
              <li key={s.id} className="admin-item">
                <div className="admin-item-main">
                  <span className="admin-item-title">{s.name}</span>
                  <span className="admin-item-sub">{s.email}</span>
                </div>
                {confirming === s.id ? (
                  <span className="mark-actions">
                    <button type="button" className="button button-primary button-small" disabled={busy} onClick={() => remove(s.id)}>
                      {t('enrolRemoveConfirm', { name: s.name })}
                    </button>
                    <button type="button" className="button button-secondary button-small" onClick={() => setConfirming(null)}>
                      {t('cancel')}
                    </button>
                  </span>
                ) : (
                  <button type="button" className="button button-secondary button-small" onClick={() => setConfirming(s.id)} aria-label={t('enrolRemoveOf', { name: s.name })}>
                    {t('enrolRemove')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
