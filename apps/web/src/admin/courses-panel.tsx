import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AccountView, CourseView, ErrorBody } from '@classconnect/contracts';
import { plural, t } from '../i18n.js';
import type { Live } from '../live.js';
import { ErrorAlert } from '../ui.js';
import { CreateForm, Field, SaveCancel, hintId, useDraft, useRequest } from './form.js';

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
                          {[c.term, plural('courseStudents', c.studentCount)].filter(Boolean).join(' · ')}
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
  const { draft, bind, reset } = useDraft({ code: '', title: '', term: '' });
  const { busy, error, send } = useRequest();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send(
      () => live.request('course:create', draft),
      (course) => {
        reset();
        onCreated(course);
      },
    );
  };

  return (
    <CreateForm id="courses-add-title" title={t('coursesAdd')} submitLabel={t('courseCreate')} busy={busy} error={error} onSubmit={submit}>
      <Field id="new-course-code" label={t('courseCode')}>
        <input id="new-course-code" required maxLength={64} autoComplete="off" {...bind('code')} />
      </Field>
      <Field id="new-course-title" label={t('courseTitleLabel')}>
        <input id="new-course-title" required maxLength={200} autoComplete="off" {...bind('title')} />
      </Field>
      <Field id="new-course-term" label={t('courseTerm')} hint={t('courseTermHint')}>
        <input id="new-course-term" required maxLength={64} autoComplete="off" aria-describedby={hintId('new-course-term')} {...bind('term')} />
      </Field>
    </CreateForm>
  );
}

function EditCourse(props: { live: Live; course: CourseView; teachers: AccountView[]; onDone: (saved: CourseView | null) => void }) {
  const { live, course, teachers, onDone } = props;
  const [title, setTitle] = useState(course.title);
  const [term, setTerm] = useState(course.term ?? '');
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(course.teachers.map((x) => x.id)));
  const { busy, error, setBusy, setError } = useRequest();
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
        <Field id={`${id}-title`} label={t('courseTitleLabel')}>
          <input id={`${id}-title`} required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field id={`${id}-term`} label={t('courseTerm')}>
          <input id={`${id}-term`} maxLength={64} value={term} onChange={(e) => setTerm(e.target.value)} />
        </Field>
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
      <SaveCancel error={error} busy={busy} onCancel={() => onDone(null)} />
    </form>
  );
}
