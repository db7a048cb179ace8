import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import '../../zod-jitless.js'; // first: the contracts below build zod schemas as they load
import { canonicalTimeZone, type AccountView, type CourseView, type ErrorBody, type ExcusedPolicy } from '@classconnect/contracts';
import { plural, t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';
import { CreateForm, Field, SaveCancel, checked, useDraft, useRequest } from './form.js';
import { InputLimits } from '@classconnect/contracts/limits';

/** Creating courses, changing their title and term, and choosing their teachers. */
export function CoursesPanel({ live }: { live: Live }) {
  const [courses, setCourses] = useState<CourseView[] | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState('');

  const load = useCallback(async () => {
    const c = await live.request('course:list', {});
    if (c.ok) setCourses(c.data.courses);
    setError(c.ok ? null : c.error);
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
                        <span className="admin-item-sub" data-testid="course-settings">
                          {t('courseSettingsLine', { zone: c.timeZone, policy: t(`excusedShort_${c.excusedPolicy}`) })}
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
        <input id="new-course-code" required maxLength={InputLimits.courseCode.max} autoComplete="off" {...bind('code')} />
      </Field>
      <Field id="new-course-title" label={t('courseTitleLabel')}>
        <input id="new-course-title" required maxLength={InputLimits.courseTitle.max} autoComplete="off" {...bind('title')} />
      </Field>
      <Field id="new-course-term" label={t('courseTerm')} hint={t('courseTermHint')}>
        <input id="new-course-term" required maxLength={InputLimits.courseTerm.max} autoComplete="off" {...bind('term')} />
      </Field>
    </CreateForm>
  );
}

function EditCourse(props: { live: Live; course: CourseView; onDone: (saved: CourseView | null) => void }) {
  const { live, course, onDone } = props;
  const [title, setTitle] = useState(course.title);
  const [term, setTerm] = useState(course.term ?? '');
  const [timeZone, setTimeZone] = useState(course.timeZone);
  const [excusedPolicy, setExcusedPolicy] = useState<ExcusedPolicy>(course.excusedPolicy);
  const [chosen, setChosen] = useState<Teacher[]>(course.teachers);
  const { busy, error, setBusy, setError } = useRequest();
  const id = `course-${course.id}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    let saved: CourseView | null = null;
    const zone = canonicalTimeZone(timeZone.trim()) ?? timeZone.trim();
    const settings = { ...(zone !== course.timeZone ? { timeZone: zone } : {}), ...(excusedPolicy !== course.excusedPolicy ? { excusedPolicy } : {}) };
    if (title.trim() !== course.title || (term.trim() && term.trim() !== (course.term ?? '')) || Object.keys(settings).length > 0) {
      const res = await live.request('course:update', { courseId: course.id, title, ...(term.trim() ? { term } : {}), ...settings });
      if (!res.ok) {
        setBusy(false);
        return setError(res.error);
      }
      saved = res.data;
    }
    const before = course.teachers.map((x) => x.id).sort().join();
    const teacherIds = chosen.map((x) => x.id);
    if ([...teacherIds].sort().join() !== before) {
      const res = await live.request('course:teachers:set', { courseId: course.id, teacherIds });
      if (!res.ok) {
        setBusy(false);
        return setError(res.error);
      }
      saved = res.data;
    }
    setBusy(false);
    onDone(saved);
  };

  return (
    <form className="admin-form admin-edit" noValidate onSubmit={checked(submit)} aria-label={t('courseEditOf', { code: course.code })}>
      <p className="admin-item-title">{t('courseEditOf', { code: course.code })}</p>
      <div className="admin-fields">
        <Field id={`${id}-title`} label={t('courseTitleLabel')}>
          <input id={`${id}-title`} required maxLength={InputLimits.courseTitle.max} value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field id={`${id}-term`} label={t('courseTerm')}>
          <input id={`${id}-term`} maxLength={InputLimits.courseTerm.max} value={term} onChange={(e) => setTerm(e.target.value)} />
        </Field>
        <Field id={`${id}-zone`} label={t('courseTimeZone')} hint={t('courseTimeZoneHint')}>
          <TimeZoneInput id={`${id}-zone`} value={timeZone} onChange={setTimeZone} />
        </Field>
        <Field id={`${id}-excused`} label={t('courseExcusedPolicy')} hint={t('courseExcusedPolicyHint')}>
          <select id={`${id}-excused`} value={excusedPolicy} onChange={(e) => setExcusedPolicy(e.target.value as ExcusedPolicy)}>
            {ExcusedPolicies.map((p) => (
              <option key={p} value={p}>
                {t(`courseExcused_${p}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <TeacherPicker live={live} id={id} code={course.code} chosen={chosen} onChange={setChosen} />
      <SaveCancel error={error} busy={busy} onCancel={() => onDone(null)} />
    </form>
  );
}

const ExcusedPolicies: ExcusedPolicy[] = ['exclude', 'attended', 'absent'];

/** Every zone this browser knows, for the list under the time zone field (UTC first: some browsers leave it out). */
const TimeZones = (() => {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...known.filter((z) => z !== 'UTC')];
})();

/**
 * A time zone typed or picked from the browser's list. A name that is no zone is marked invalid
 * with the app's own sentence (setCustomValidity), so the form refuses it before asking the server.
 */
function TimeZoneInput({ id, value, onChange, ...aria }: { id: string; value: string; onChange: (v: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const judge = (el: HTMLInputElement | null, v: string) => el?.setCustomValidity(canonicalTimeZone(v.trim()) ? '' : t('courseTimeZoneInvalid'));
  useEffect(() => judge(input.current, value), [value]);
  return (
    <>
      <input
        id={id}
        ref={input}
        required
        maxLength={64}
        autoComplete="off"
        spellCheck={false}
        list={`${id}-list`}
        value={value}
        onChange={(e) => {
          // Judged before the change bubbles to the Field, which rechecks what it shows under the field.
          judge(e.target, e.target.value);
          onChange(e.target.value);
        }}
        {...aria}
      />
      <datalist id={`${id}-list`}>
        {TimeZones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
    </>
  );
}

type Teacher = { id: string; name: string; email?: string };
const MatchesShown = 8;

/**
 * A course's teachers: the chosen ones, each with Remove, then a search over teacher accounts (by
 * name or email, asked of the server, so it stays short with hundreds of teachers) whose matches
 * each have Add. Enter in the search adds the first match instead of submitting the form.
 */
function TeacherPicker({ live, id, code, chosen, onChange }: { live: Live; id: string; code: string; chosen: Teacher[]; onChange: (next: Teacher[]) => void }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ query: string; users: AccountView[]; unseen: number } | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const search = useRef<HTMLInputElement>(null);
  const searchId = `${id}-teacher-search`;

  useEffect(() => {
    let current = true;
    // A short pause while typing, so each letter does not cost a request.
    const timer = setTimeout(async () => {
      const q = query.trim();
      const res = await live.request('user:list', { role: 'teacher', ...(q ? { query: q } : {}), limit: MatchesShown + chosen.length, offset: 0 });
      if (!current) return;
      if (res.ok) setFound({ query: q, users: res.data.users.filter((u) => !u.disabled && !u.erasedAt), unseen: res.data.total - res.data.users.length });
      setError(res.ok ? null : res.error);
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [live, query, chosen.length]);

  const unchosen = (found?.users ?? []).filter((u) => !chosen.some((c) => c.id === u.id));
  const matches = unchosen.slice(0, MatchesShown);
  // Beyond the page the server gave (it may hold some chosen ones: an estimate, to say "type more").
  const more = found ? found.unseen + unchosen.length - matches.length : 0;
  // The matches of the last search stay while the next one is asked; what they say of it waits for its answer.
  const answered = found?.query === query.trim();
  const add = (x: Teacher) => {
    onChange([...chosen, x]);
    setQuery('');
    // The Add button goes with its row: the search keeps the focus for the next name.
    search.current?.focus();
  };
  const remove = (x: Teacher) => {
    onChange(chosen.filter((c) => c.id !== x.id));
    search.current?.focus();
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    if (matches[0]) add(matches[0]);
  };

  return (
    <fieldset className="teacher-picker stack">
      <legend>{t('courseChooseTeachersOf', { code })}</legend>
      {chosen.length === 0 ? (
        <p className="hint">{t('courseNoTeacher')}</p>
      ) : (
        <ul className="teacher-list" aria-label={t('teachersChosen', { code })}>
          {chosen.map((x) => (
            <li key={x.id} className="teacher-row">
              <span className="teacher-name">{x.name}</span>
              <button type="button" className="button button-secondary button-small" onClick={() => remove(x)} aria-label={t('teacherRemove', { name: x.name })}>
                {t('teacherRemoveShort')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <Field id={searchId} label={t('teacherSearch')} hint={t('teacherSearchHint')}>
        <input id={searchId} ref={search} type="search" autoComplete="off" maxLength={InputLimits.search.max} value={query} onChange={(e) => setQuery(e.target.value)} onKeyDown={onKey} />
      </Field>
      <ErrorAlert error={error} />
      {found && (
        <>
          {matches.length > 0 ? (
            <ul className="teacher-list" aria-label={t('teacherMatches')} data-testid="teacher-matches">
              {matches.map((u) => (
                <li key={u.id} className="teacher-row">
                  <span className="teacher-name">
                    {u.name} <span className="admin-item-sub">{u.email}</span>
                  </span>
                  <button type="button" className="button button-secondary button-small" onClick={() => add(u)} aria-label={t('teacherAdd', { name: u.name })}>
                    {t('teacherAddShort')}
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          <p className="hint" role="status">
            {!answered ? '' : matches.length > 0 ? (more > 0 ? plural('teacherMore', more) : '') : query.trim() ? t('teacherNoMatch') : found.users.length === 0 ? t('noTeacherAccounts') : t('teacherAllChosen')}
          </p>
        </>
      )}
    </fieldset>
  );
}
