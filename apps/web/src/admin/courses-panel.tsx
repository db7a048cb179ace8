import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AccountView, CourseView, ErrorBody } from '@classconnect/contracts';
import { t } from '../i18n.js';
import type { Live } from '../live.js';
import { ErrorAlert } from '../ui.js';

/** Creating courses, changing their title and term, and choosing their teachers. */
export function CoursesPanel({ live }: { live: Live }) {
  const [courses, setCourses] = useState<CourseView[] | null>(null);
  const [teachers, setTeachers] = useState<AccountView[]>([]);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState('');

  const load = useCallback(async () => {
    const [c, tr] = await Promise.all([live.request('course:list', {}), live.request('user:list', { role: 'teacher', limit: 200, offset: 0 })]);
    if (c.ok) setCourses(c.data.courses);
    if (tr.ok) setTeachers(tr.data.users);
    setError(!c.ok ? c.error : !tr.ok ? tr.error : null);
  }, [live]);
  useEffect(() => live.onConnect(() => void load()), [live, load]);

  return (
    <div className="stack">
      <CreateCourse
        live={live}
        onCreated={(c) => {
          setNotice(t('courseCreated', { code: c.code }));
          setEditing(c.id);
          void load();
        }}
      />
      <p className="alert alert-ok" role="status" aria-live="polite" hidden={!notice}>
        {notice}
      </p>
      <section className="panel stack" aria-labelledby="courses-list-title">
        <h2 id="courses-list-title">{t('coursesAll', { n: courses?.length ?? 0 })}</h2>
        <ErrorAlert error={error} />
        {courses &&
          (courses.length === 0 ? (
            <p className="calm">{t('coursesNone')}</p>
          ) : (
            <ul className="admin-list" data-testid="course-list">
              {courses.map((c) => (
                <li key={c.id} className="admin-item" data-testid={`course-${c.code}`}>
                  {editing === c.id ? (
                    <EditCourse
                      live={live}
                      course={c}
                      teachers={teachers}
                      onDone={(saved) => {
                        setEditing(null);
                        if (saved) {
                          setNotice(t('courseSaved', { code: saved.code }));
                          void load();
                        }
                      }}
                    />
                  ) : (
                    <>
                      <div className="admin-item-main">
                        <span className="admin-item-title">
                          {c.code} · {c.title}
                        </span>
                        <span className="admin-item-sub">
                          {[c.term, t('courseStudents', { n: c.studentCount })].filter(Boolean).join(' · ')}
                        </span>
                        <span className="admin-item-sub">
                          {t('courseTeachers')}: {c.teachers.length ? c.teachers.map((x) => x.name).join(', ') : t('courseNoTeacher')}
                        </span>
                      </div>
                      <button type="button" className="button button-secondary button-small" onClick={() => setEditing(c.id)} aria-label={t('courseEditOf', { code: c.code })}>
                        {t('edit')}
                      </button>
                    </>
                  )}
                </li>
              ))}
            </ul>
          ))}
      </section>
    </div>
  );
}

function CreateCourse({ live, onCreated }: { live: Live; onCreated: (c: CourseView) => void }) {
  const [code, setCode] = useState('');
  const [title, setTitle] = useState('');
  const [term, setTerm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const res = await live.request('course:create', { code, title, term });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    setError(null);
    setCode('');
    setTitle('');
    setTerm('');
    onCreated(res.data);
  };

  return (
    <form className="panel admin-form" onSubmit={submit} aria-labelledby="courses-add-title">
      <h2 id="courses-add-title">{t('coursesAdd')}</h2>
      <div className="admin-fields">
        <div>
          <label htmlFor="new-course-code">{t('courseCode')}</label>
          <input id="new-course-code" required maxLength={64} autoComplete="off" value={code} onChange={(e) => setCode(e.target.value)} />
        </div>
        <div>
          <label htmlFor="new-course-title">{t('courseTitleLabel')}</label>
          <input id="new-course-title" required maxLength={200} autoComplete="off" value={title} onChange={(e) => setTitle(e.target.value)} />
        </div>
        <div>
          <label htmlFor="new-course-term">{t('courseTerm')}</label>
          <input id="new-course-term" required maxLength={64} autoComplete="off" aria-describedby="new-course-term-hint" value={term} onChange={(e) => setTerm(e.target.value)} />
          <p className="hint" id="new-course-term-hint">
            {t('courseTermHint')}
          </p>
        </div>
      </div>
      <ErrorAlert error={error} />
      <div>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('saving') : t('courseCreate')}
        </button>
      </div>
    </form>
  );
}

function EditCourse(props: { live: Live; course: CourseView; teachers: AccountView[]; onDone: (saved: CourseView | null) => void }) {
  const { live, course, teachers, onDone } = props;
  const [title, setTitle] = useState(course.title);
  const [term, setTerm] = useState(course.term ?? '');
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(course.teachers.map((x) => x.id)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const id = `course-${course.id}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    let saved: CourseView | null = null;
    if (title.trim() !== course.title || (term.trim() && term.trim() !== (course.term ?? ''))) {
      const res = await live.request('course:update', { courseId: course.id, title, ...(term.trim() ? { term } : {}) });
      if (!res.ok) {
        setBusy(false);
        return setError(res.error);
      }
      saved = res.data;
    }
    const before = course.teachers.map((x) => x.id).sort().join();
    if ([...chosen].sort().join() !== before) {
      const res = await live.request('course:teachers:set', { courseId: course.id, teacherIds: [...chosen] });
      if (!res.ok) {
        setBusy(false);
        return setError(res.error);
      }
      saved = res.data;
    }
    setBusy(false);
    onDone(saved);
  };

  const toggle = (teacherId: string, on: boolean) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (on) next.add(teacherId);
      else next.delete(teacherId);
      return next;
    });

  return (
    <form className="admin-form admin-edit" onSubmit={submit} aria-label={t('courseEditOf', { code: course.code })}>
      <p className="admin-item-title">{t('courseEditOf', { code: course.code })}</p>
      <div className="admin-fields">
        <div>
          <label htmlFor={`${id}-title`}>{t('courseTitleLabel')}</label>
          <input id={`${id}-title`} required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </div>
        <div>
          <label htmlFor={`${id}-term`}>{t('courseTerm')}</label>
          <input id={`${id}-term`} maxLength={64} value={term} onChange={(e) => setTerm(e.target.value)} />
        </div>
      </div>
      <fieldset className="status-choice">
        <legend>{t('courseChooseTeachersOf', { code: course.code })}</legend>
        {teachers.length === 0 ? (
          <p className="hint">{t('noTeacherAccounts')}</p>
        ) : (
          teachers.map((x) => (
            <label key={x.id} className="choice">
              <input type="checkbox" checked={chosen.has(x.id)} onChange={(e) => toggle(x.id, e.target.checked)} />
              {x.name}
            </label>
          ))
        )}
      </fieldset>
      <ErrorAlert error={error} />
      <div className="mark-actions">
        <button type="submit" className="button button-primary button-small" disabled={busy}>
          {busy ? t('saving') : t('save')}
        </button>
        <button type="button" className="button button-secondary button-small" onClick={() => onDone(null)}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
