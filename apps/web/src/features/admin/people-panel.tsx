import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { AccountView, EraseUserReply, ErrorBody, Role, UserListReply } from '@classconnect/contracts';
import type { Auth } from '../../api.js';
import { PersonDataButton } from '../reports/downloads-ui.js';
import { formatDate, plural, t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';
import { CreateForm, Field, SaveCancel, checked, hintId, useDraft, useRequest, type TextBinding } from './form.js';
import { InputLimits } from '@classconnect/contracts/limits';

const PageSize = 20;
const Roles: Role[] = ['student', 'teacher', 'admin'];
export const roleWord = (role: Role) => t(role === 'teacher' ? 'roleTeacher' : role === 'student' ? 'roleStudent' : 'roleAdmin');
/** What an erased account is called, in the reader's language (the server's placeholder name is English). */
export const erasedLabel = (role: Role) => t(role === 'teacher' ? 'erasedTeacher' : role === 'student' ? 'erasedStudent' : 'erasedAdmin');

/** Creating accounts, finding them, changing their name, role or password, downloading or erasing their data. */
export function PeoplePanel({ live, auth }: { live: Live; auth: Auth }) {
  const [query, setQuery] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [offset, setOffset] = useState(0);
  const [list, setList] = useState<UserListReply | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const [erasing, setErasing] = useState<AccountView | null>(null);
  const [erasedNotice, setErasedNotice] = useState<string | null>(null);
  const erasedNoticeRef = useRef<HTMLParagraphElement>(null);

  const load = useCallback(async () => {
    const res = await live.request('user:list', { ...(query.trim() ? { query: query.trim() } : {}), ...(role ? { role } : {}), limit: PageSize, offset });
    if (res.ok) {
      setList(res.data);
      setError(null);
    } else setError(res.error);
  }, [live, query, role, offset]);
  useEffect(() => live.onConnect(() => void load()), [live, load]);
  // The button that opened the dialog has gone with the edit form: focus goes to what happened instead.
  useEffect(() => erasedNoticeRef.current?.focus(), [erasedNotice]);

  const erased = (account: AccountView, reply: EraseUserReply) => {
    const done = reply.alreadyErased
      ? t('erasedAlready', { name: account.name })
      : `${t('erasedDone', { name: account.name })} ${reply.attendance === 'pseudonymised' ? t('erasedAttendanceKept', { label: erasedLabel(account.role) }) : t('erasedAttendanceRemoved')}`;
    setEditing(null);
    setErasing(null);
    setErasedNotice(done);
    // The row turns erased in place, without reloading: the search that found it (often the email)
    // would no longer match, and the admin would lose sight of what they just did.
    const shown: AccountView = { ...account, name: erasedLabel(account.role), email: '', disabled: true, erasedAt: reply.erasedAt };
    setList((l) => (l ? { ...l, users: l.users.map((u) => (u.id === account.id ? shown : u)) } : l));
  };

  return (
    <div className="stack">
      <CreatePerson
        live={live}
        onCreated={(a) => {
          setNotice(t('personCreated', { name: a.name }));
          void load();
        }}
      />
      <p className="visually-hidden" role="status" aria-live="polite">
        {notice}
      </p>
      <section className="panel stack" aria-labelledby="people-list-title">
        <h2 id="people-list-title">{t('adminTabPeople')}</h2>
        <div className="admin-filters">
          <div className="grow">
            <label htmlFor="people-search">{t('peopleSearch')}</label>
            <input
              id="people-search"
              type="search"
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setOffset(0);
              }}
            />
          </div>
          <div>
            <label htmlFor="people-role">{t('personRole')}</label>
            <select
              id="people-role"
              value={role}
              onChange={(e) => {
                setRole(e.target.value as Role | '');
                setOffset(0);
              }}
            >
              <option value="">{t('peopleAllRoles')}</option>
              {Roles.map((r) => (
                <option key={r} value={r}>
                  {roleWord(r)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <ErrorAlert error={error} />
        {erasedNotice && (
          <p className="alert alert-ok" role="status" tabIndex={-1} ref={erasedNoticeRef} data-testid="erased-notice">
            {erasedNotice}
          </p>
        )}
        {list &&
          (list.users.length === 0 ? (
            <p className="calm">{t('peopleNone')}</p>
          ) : (
            <>
              <ul className="admin-list" data-testid="people-list">
                {list.users.map((u) => (
                  <li key={u.id} className="admin-item" data-erased={u.erasedAt ? 'true' : undefined}>
                    {editing === u.id && !u.erasedAt ? (
                      <EditPerson
                        live={live}
                        account={u}
                        self={u.id === auth.user.id}
                        onErase={() => setErasing(u)}
                        onDone={(changed) => {
                          setEditing(null);
                          if (changed) {
                            setNotice(t('savedPerson', { name: changed.name }));
                            void load();
                          }
                        }}
                      />
                    ) : u.erasedAt ? (
                      // Erased: nothing left to change, only what is still held about them to download.
                      <>
                        <div className="admin-item-main">
                          <span className="admin-item-title">{erasedLabel(u.role)}</span>
                          <span className="admin-tags">
                            <span className={`tag tag-${u.role}`}>{roleWord(u.role)}</span>
                            <span className="tag tag-erased">{t('erasedBadge')}</span>
                            <span className="admin-item-sub">{t('erasedOn', { date: formatDate(u.erasedAt) })}</span>
                          </span>
                        </div>
                        <div className="admin-item-actions">
                          <PersonDataButton token={auth.accessToken} userId={u.id} name={erasedLabel(u.role)} />
                        </div>
                      </>
                    ) : (
                      <>
                        <div className="admin-item-main">
                          <span className="admin-item-title">{u.name}</span>
                          <span className="admin-item-sub">{u.email}</span>
                          <span className="admin-tags">
                            <span className={`tag tag-${u.role}`}>{roleWord(u.role)}</span>
                            <span className="tag">{u.hasPassword ? t('signsInPassword') : t('signsInSso')}</span>
                            <PasskeyBadges passkeys={u.passkeys} />
                            {u.disabled && <span className="tag tag-off">{t('accountDisabled')}</span>}
                            <span className="admin-item-sub">{formatDate(u.createdAt)}</span>
                          </span>
                        </div>
                        <div className="admin-item-actions">
                          <button type="button" className="button button-secondary button-small" onClick={() => setEditing(u.id)} aria-label={t('editPerson', { name: u.name })}>
                            {t('edit')}
                          </button>
                          <PersonDataButton token={auth.accessToken} userId={u.id} name={u.name} />
                        </div>
                      </>
                    )}
                  </li>
                ))}
              </ul>
              <div className="admin-pager">
                <span>{t('pageOf', { from: offset + 1, to: offset + list.users.length, total: list.total })}</span>
                <button type="button" className="button button-secondary button-small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PageSize))}>
                  {t('previousPage')}
                </button>
                <button type="button" className="button button-secondary button-small" disabled={offset + PageSize >= list.total} onClick={() => setOffset(offset + PageSize)}>
                  {t('nextPage')}
                </button>
              </div>
            </>
          ))}
      </section>
      {erasing && <EraseDialog live={live} account={erasing} onClose={() => setErasing(null)} onErased={(reply) => erased(erasing, reply)} />}
    </div>
  );
}

/**
 * Erasing someone, in a modal dialog: what erasure does, in plain words, then the person's email
 * typed to confirm. Erase is enabled only when the typed email matches; the server compares again
 * (and answers CONFIRMATION_MISMATCH), so the button's state is a help, not the check.
 */
function EraseDialog({ live, account, onClose, onErased }: { live: Live; account: AccountView; onClose: () => void; onErased: (reply: EraseUserReply) => void }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [typed, setTyped] = useState('');
  const { busy, error, send } = useRequest();
  const matches = account.email !== '' && typed.trim().toLowerCase() === account.email.toLowerCase();
  const id = `erase-${account.id}`;

  // A modal <dialog> keeps focus inside and makes the page behind inert; focus goes back to the
  // button that opened it when it closes (when that button is still there).
  useEffect(() => {
    const dialog = dialogRef.current!;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    inputRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send(() => live.request('user:erase', { targetUserId: account.id, confirmEmail: typed.trim() }), onErased);
  };

  return (
    <dialog
      ref={dialogRef}
      className="erase-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-intro`}
      data-testid="erase-dialog"
      // Escape closes, except while the request is on its way (its answer must still be shown).
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onClose();
      }}
      // Chromium may close it without asking (a second Escape): the screen follows.
      onClose={onClose}
    >
      <form className="stack" onSubmit={submit}>
        <h2 id={`${id}-title`}>{t('eraseTitle', { name: account.name })}</h2>
        <p id={`${id}-intro`}>{t('eraseIntro')}</p>
        <ul className="points">
          <li>{t('erasePointRemoved')}</li>
          <li>{t('erasePointAttendance', { label: erasedLabel(account.role) })}</li>
          <li>{t('erasePointSignedOut')}</li>
          <li>
            <strong>{t('erasePointUndo')}</strong>
          </li>
        </ul>
        <Field id={`${id}-email`} label={t('eraseConfirmLabel')} hint={t('eraseConfirmHint', { email: account.email })}>
          <input
            id={`${id}-email`}
            ref={inputRef}
            type="email"
            autoComplete="off"
            spellCheck={false}
            maxLength={InputLimits.email.max}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            aria-describedby={hintId(`${id}-email`)}
          />
        </Field>
        <ErrorAlert error={error} />
        <div className="mark-actions erase-actions">
          <button type="button" className="button button-secondary" onClick={onClose} disabled={busy}>
            {t('cancel')}
          </button>
          <button type="submit" className="button button-danger" disabled={!matches || busy}>
            {busy ? t('erasing') : t('eraseYes')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

function CreatePerson({ live, onCreated }: { live: Live; onCreated: (a: AccountView) => void }) {
  const { draft, bind, reset } = useDraft({ name: '', email: '', password: '' });
  const [role, setRole] = useState<Role>('student');
  const { busy, error, send } = useRequest();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { password, ...account } = draft;
    void send(
      () => live.request('user:create', { ...account, role, ...(password ? { password } : {}) }),
      (created) => {
        reset();
        onCreated(created);
      },
    );
  };

  return (
    <CreateForm id="people-add-title" title={t('peopleAdd')} submitLabel={t('personCreate')} busy={busy} error={error} onSubmit={submit}>
      <Field id="new-person-name" label={t('personName')}>
        <input id="new-person-name" required maxLength={InputLimits.personName.max} autoComplete="off" {...bind('name')} />
      </Field>
      <Field id="new-person-email" label={t('personEmail')}>
        <input id="new-person-email" type="email" required maxLength={InputLimits.email.max} autoComplete="off" {...bind('email')} />
      </Field>
      <Field id="new-person-role" label={t('personRole')}>
        <RoleSelect id="new-person-role" value={role} onChange={setRole} />
      </Field>
      <Field id="new-person-password" label={t('personPassword')} hint={t('personPasswordHint')}>
        <PasswordInput id="new-person-password" {...bind('password')} />
      </Field>
    </CreateForm>
  );
}

function RoleSelect({ id, value, disabled, onChange }: { id: string; value: Role; disabled?: boolean; onChange: (role: Role) => void }) {
  return (
    <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as Role)}>
      {Roles.map((r) => (
        <option key={r} value={r}>
          {roleWord(r)}
        </option>
      ))}
    </select>
  );
}

/** A new password (at least 8 characters), described by its field's hint. */
function PasswordInput({ id, ...text }: { id: string } & TextBinding) {
  return <input id={id} type="password" minLength={InputLimits.newPassword.min} maxLength={InputLimits.newPassword.max} autoComplete="new-password" aria-describedby={hintId(id)} {...text} />;
}

function EditPerson(props: { live: Live; account: AccountView; self: boolean; onErase: () => void; onDone: (changed: AccountView | null) => void }) {
  const { live, account, self, onErase, onDone } = props;
  const [name, setName] = useState(account.name);
  const [role, setRole] = useState<Role>(account.role);
  const [password, setPassword] = useState('');
  const { busy, error, send } = useRequest();
  const id = `edit-${account.id}`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const changes = {
      ...(name.trim() !== account.name ? { name } : {}),
      ...(role !== account.role ? { role } : {}),
      ...(password ? { password } : {}),
    };
    if (Object.keys(changes).length === 0) return onDone(null);
    void send(() => live.request('user:update', { targetUserId: account.id, ...changes }), onDone);
  };

  const [confirmDisable, setConfirmDisable] = useState(false);
  // Disabling ends the person's open connections at once and refuses their sign-ins; enabling undoes it.
  const toggleDisabled = () =>
    void send(
      () => live.request('user:set-disabled', { targetUserId: account.id, disabled: !account.disabled }),
      ({ disabled }) => onDone({ ...account, disabled }),
    );

  return (
    <form className="admin-form admin-edit" noValidate onSubmit={checked(submit)} aria-label={t('editPerson', { name: account.name })}>
      <p className="admin-item-title">{t('editPerson', { name: account.name })}</p>
      <p className="admin-item-sub">{account.email}</p>
      <div className="admin-fields">
        <Field id={`${id}-name`} label={t('personName')}>
          <input id={`${id}-name`} required maxLength={InputLimits.personName.max} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field id={`${id}-role`} label={t('personRole')}>
          <RoleSelect id={`${id}-role`} value={role} disabled={self} onChange={setRole} />
        </Field>
        <Field id={`${id}-password`} label={t('newPassword')} hint={t('newPasswordHint')}>
          <PasswordInput id={`${id}-password`} value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
      </div>
      <SaveCancel error={error} busy={busy} onCancel={() => onDone(null)}>
        {!self && account.disabled && (
          <button type="button" className="button button-secondary button-small" disabled={busy} onClick={toggleDisabled}>
            {t('enableAccount')}
          </button>
        )}
      </SaveCancel>
      {/* Disabling and erasing are set apart from Save, in danger colours, and ask first. */}
      {!self && (
        <div className="danger-zone stack">
          {account.disabled ? null : confirmDisable ? (
            <div role="alertdialog" aria-labelledby={`${id}-disable-q`} className="stack">
              <p id={`${id}-disable-q`} className="danger-question">
                {t('disableConfirm', { name: account.name })}
              </p>
              <span className="mark-actions">
                <button type="button" className="button button-secondary button-small" autoFocus onClick={() => setConfirmDisable(false)}>
                  {t('cancel')}
                </button>
                <button type="button" className="button button-danger button-small" disabled={busy} onClick={toggleDisabled}>
                  {t('disableYes')}
                </button>
              </span>
            </div>
          ) : (
            <div>
              <button type="button" className="button button-danger button-small" disabled={busy} onClick={() => setConfirmDisable(true)}>
                {t('disableAccount')}
              </button>
              <p className="hint">{t('disableAccountHint')}</p>
            </div>
          )}
          <div>
            <button type="button" className="button button-danger button-small" disabled={busy} onClick={onErase}>
              {t('eraseOpen')}
            </button>
            <p className="hint">{t('eraseHint')}</p>
          </div>
        </div>
      )}
    </form>
  );
}

/**
 * How many passkeys the person has, as verification-service counted them when the list was read:
 * those that check in, and those waiting for a teacher's approval. Without an answer the count is
 * unknown, and says so rather than "No passkey".
 */
function PasskeyBadges({ passkeys }: { passkeys: AccountView['passkeys'] }) {
  if (!passkeys) return <span className="tag tag-unknown" data-testid="passkey-badge">{t('passkeyUnknown')}</span>;
  return (
    <>
      <span className={passkeys.approved > 0 ? 'tag tag-passkey' : 'tag tag-none'} data-testid="passkey-badge">
        {passkeys.approved > 0 ? plural('passkeyCount', passkeys.approved) : t('passkeyNone')}
      </span>
      {passkeys.pending > 0 && (
        <span className="tag tag-pending" data-testid="passkey-pending">
          {t('passkeyPending', { n: passkeys.pending })}
        </span>
      )}
    </>
  );
}
