import { useId, useState, type FormEvent } from 'react';
import type { AttendanceStatus, ErrorBody, MarkChangeReply } from '@classconnect/contracts';
import { statusText, t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';
import { InputLimits } from '@classconnect/contracts/limits';

const Statuses: AttendanceStatus[] = ['present', 'late', 'excused', 'absent'];

/**
 * The teacher sets a student's status by hand, with a reason (attendance:mark). Used on the live
 * roster and on the report; the change reaches every teacher screen through mark:changed /
 * report:updated, and onSaved lets this screen show it at once.
 */
export function MarkEditor(props: {
  live: Live;
  sessionId: string;
  student: { id: string; name: string };
  current: AttendanceStatus;
  onSaved: (change: MarkChangeReply) => void;
  onCancel: () => void;
}) {
  const { live, sessionId, student, current, onSaved, onCancel } = props;
  const [status, setStatus] = useState<AttendanceStatus>(current === 'absent' ? 'excused' : current);
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ErrorBody | string | null>(null);
  const id = useId();

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!reason.trim()) return setError(t('markReasonNeeded'));
    setSaving(true);
    setError(null);
    const res = await live.request('attendance:mark', { sessionId, targetStudentId: student.id, status, reason: reason.trim() });
    setSaving(false);
    if (res.ok) onSaved(res.data);
    else setError(res.error);
  }

  return (
    <form className="mark-editor" onSubmit={save} aria-labelledby={`${id}-title`} data-testid="mark-editor">
      <p id={`${id}-title`} className="mark-title">
        {t('markTitle', { name: student.name })}
      </p>
      <fieldset className="status-choice">
        <legend>{t('markStatus')}</legend>
        {Statuses.map((s) => (
          <label key={s} className={`choice choice-${s}`}>
            <input type="radio" name={`${id}-status`} value={s} checked={status === s} onChange={() => setStatus(s)} />
            {statusText(s)}
          </label>
        ))}
      </fieldset>
      <label htmlFor={`${id}-reason`}>{t('markReason')}</label>
      <input
        id={`${id}-reason`}
        type="text"
        value={reason}
        maxLength={InputLimits.markReason.max}
        aria-required="true"
        autoFocus
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          setReason(e.target.value);
          if (error === t('markReasonNeeded')) setError(null);
        }}
      />
      <p id={`${id}-hint`} className="hint">
        {t('markReasonHint')}
      </p>
      <ErrorAlert error={error} />
      <div className="mark-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {saving ? t('markSaving') : t('markSave')}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel} disabled={saving}>
          {t('markCancel')}
        </button>
      </div>
    </form>
  );
}
