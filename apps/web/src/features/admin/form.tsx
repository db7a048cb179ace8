/** The pieces every admin form is made of: a labelled field, the closing Save/Cancel row, a request's busy and error state. */
import { cloneElement, isValidElement, useEffect, useRef, useState, type ChangeEvent, type FormEvent, type ReactElement, type ReactNode } from 'react';
import type { ErrorBody, Result } from '@classconnect/contracts';
import { t } from '../../i18n.js';
import { ErrorAlert } from '../../ui.js';

/** The id of a field's hint, for the input's aria-describedby. */
export const hintId = (fieldId: string) => `${fieldId}-hint`;

/** The id of a field's problem, shown under it after a submit the form refused. */
export const problemId = (fieldId: string) => `${fieldId}-problem`;

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
const isControl = (x: EventTarget | null): x is Control => x instanceof HTMLInputElement || x instanceof HTMLSelectElement || x instanceof HTMLTextAreaElement;

/**
 * What is wrong with a control, in the app's language, from its ValidityState. The browser's own
 * bubble would speak the browser's language and vanish; this one stays under the field.
 */
export function problemText(control: Control): string {
  const v = control.validity;
  if (v.valueMissing) return t('fieldRequired');
  if (v.typeMismatch) return t(control.type === 'email' ? 'fieldEmail' : control.type === 'url' ? 'fieldUrl' : 'fieldInvalid');
  if (v.tooShort && 'minLength' in control) return t('fieldTooShort', { n: control.minLength });
  if (v.tooLong && 'maxLength' in control) return t('fieldTooLong', { n: control.maxLength });
  if (v.rangeUnderflow && 'min' in control) return t('fieldMin', { n: control.min });
  if (v.rangeOverflow && 'max' in control) return t('fieldMax', { n: control.max });
  if (v.badInput || v.stepMismatch) return t('fieldNumber');
  // A field's own check (setCustomValidity) already speaks the app's language.
  if (v.customError) return control.validationMessage;
  return t('fieldInvalid');
}

/**
 * A label above its control, the hint below it when there is one, and below that what is wrong
 * with it once a submit was refused. The control (the one child) is described by both, and marked
 * aria-invalid while the problem stands; the problem goes as soon as the value is right.
 */
export function Field({ id, label, hint, className, children }: { id: string; label: string; hint?: string; className?: string; children: ReactNode }) {
  const [problem, setProblem] = useState('');
  const box = useRef<HTMLDivElement>(null);
  // `invalid` does not bubble: listen in the capture phase, where the form's checkValidity() sends it.
  useEffect(() => {
    const el = box.current!;
    const onInvalid = (e: Event) => {
      if (!isControl(e.target)) return;
      e.preventDefault();
      setProblem(problemText(e.target));
    };
    el.addEventListener('invalid', onInvalid, true);
    return () => el.removeEventListener('invalid', onInvalid, true);
  }, []);
  const recheck = (e: { target: EventTarget | null }) => {
    if (problem && isControl(e.target)) setProblem(e.target.validity.valid ? '' : problemText(e.target));
  };
  const control = isValidElement(children) ? (children as ReactElement<Record<string, unknown>>) : null;
  const describedBy = [...new Set([control?.props['aria-describedby'], hint ? hintId(id) : '', problem ? problemId(id) : ''])].filter(Boolean).join(' ');
  return (
    // The native `input` event (every keystroke, tick or choice; `change` waits for the field to lose
    // focus under Preact) in the bubble phase, after the control's own handler: a capture-phase one
    // would put a controlled input back to its old value before the control's onChange had run.
    <div className={className} ref={box} onInput={recheck}>
      <label htmlFor={id}>{label}</label>
      {control ? cloneElement(control, { 'aria-describedby': describedBy || undefined, 'aria-invalid': problem ? true : undefined }) : children}
      {hint ? (
        <p className="hint" id={hintId(id)}>
          {hint}
        </p>
      ) : null}
      {problem ? (
        <p className="field-problem" id={problemId(id)}>
          {problem}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A form's submit, checked first by the app itself (the form carries noValidate): when a field is
 * wrong, each wrong field says why under it (see Field) and the first one takes the focus; the
 * handler runs only when every field is right.
 */
export function checked(onSubmit: (e: FormEvent<HTMLFormElement>) => void) {
  return (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    if (!form.checkValidity()) {
      form.querySelector<HTMLElement>('input:invalid, select:invalid, textarea:invalid')?.focus();
      return;
    }
    onSubmit(e);
  };
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
    <form className="panel admin-form" noValidate onSubmit={checked(props.onSubmit)} aria-labelledby={props.id}>
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
  // The value is read now, not in the updater: React may run the updater later, when the input
  // already shows another value.
  const bind = (key: keyof D): TextBinding => ({
    value: draft[key],
    onChange: (e) => {
      const value = e.target.value;
      setDraft((d) => ({ ...d, [key]: value }));
    },
  });
  return { draft, bind, reset: () => setDraft(initial) };
}
