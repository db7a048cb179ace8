/** The pieces every admin form is made of: a labelled field, the closing Save/Cancel row, a request's busy and error state. */
import { useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import type { ErrorBody, Result } from '@classconnect/contracts';
import { t } from '../i18n.js';
import { ErrorAlert } from '../ui.js';

/** The id of a field's hint, for the input's aria-describedby. */
export const hintId = (fieldId: string) => `${fieldId}-hint`;

/** A label above its control, and the hint below it when there is one. */
export function Field({ id, label, hint, className, children }: { id: string; label: string; hint?: string; className?: string; children: ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <p className="hint" id={hintId(id)}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A form's last row: the error if any, then Save (its busy word while saving), Cancel, and any further buttons. */
export function SaveCancel(props: {
  error: ErrorBody | string | null;
  busy: boolean;
  onCancel: () => void;
  small?: boolean;
  saveLabel?: string;
  busyLabel?: string;
  cancelLabel?: string;
  children?: ReactNode;
}) {
  const size = props.small === false ? '' : ' button-small';
  return (
    <>
      <ErrorAlert error={props.error} />
      <div className="mark-actions">
        <button type="submit" className={`button button-primary${size}`} disabled={props.busy}>
          {props.busy ? (props.busyLabel ?? t('saving')) : (props.saveLabel ?? t('save'))}
        </button>
        <button type="button" className={`button button-secondary${size}`} onClick={props.onCancel}>
          {props.cancelLabel ?? t('cancel')}
        </button>
        {props.children}
      </div>
    </>
  );
}

/** A panel that adds something: its heading, its fields, the error if any, then its one submit button. */
export function CreateForm(props: {
  id: string;
  title: string;
  submitLabel: string;
  busy: boolean;
  error: ErrorBody | null;
  onSubmit: (e: FormEvent) => void;
  children: ReactNode;
}) {
  return (
    <form className="panel admin-form" onSubmit={props.onSubmit} aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      <div className="admin-fields">{props.children}</div>
      <ErrorAlert error={props.error} />
      <div>
        <button type="submit" className="button button-primary" disabled={props.busy}>
          {props.busy ? t('saving') : props.submitLabel}
        </button>
      </div>
    </form>
  );
}

/**
 * One request at a time from a form: `busy` while it runs; on failure its error is kept for the
 * form to show, on success the error is cleared and `onDone` gets the reply's data.
 */
export function useRequest() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const send = async <T,>(request: () => Promise<Result<T>>, onDone: (data: T) => void): Promise<void> => {
    setBusy(true);
    const res = await request();
    setBusy(false);
    if (!res.ok) return setError(res.error);
    setError(null);
    onDone(res.data);
  };
  return { busy, error, setBusy, setError, send };
}

/** What an `<input>` needs to show and change one text of a draft. */
export interface TextBinding {
  value: string;
  onChange: (e: ChangeEvent<HTMLInputElement>) => void;
}

/** A form's texts as one draft: `bind(key)` wires an input to one of them, `reset()` empties the form. */
export function useDraft<D extends Record<string, string>>(initial: D) {
  const [draft, setDraft] = useState(initial);
  const bind = (key: keyof D): TextBinding => ({ value: draft[key], onChange: (e) => setDraft((d) => ({ ...d, [key]: e.target.value })) });
  return { draft, bind, reset: () => setDraft(initial) };
}
