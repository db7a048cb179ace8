import type { AttendanceStatus, ErrorBody } from '@classconnect/contracts';
import { errorText, formatRate, statusText, t } from './i18n.js';

/** An error for people: the sentence for its code (what went wrong, what to do), or a ready sentence. */
export function ErrorAlert({ error }: { error: ErrorBody | string | null }) {
  if (!error) return null;
  const text = typeof error === 'string' ? error : `${errorText(error.code).problem} ${errorText(error.code).todo}`;
  return (
    <p className="alert alert-error" role="alert">
      {text}
    </p>
  );
}

/** An attendance status as a coloured badge with its word (the colour is never the only sign). */
export function StatusBadge({ status }: { status: AttendanceStatus }) {
  return <span className={`badge badge-${status}`}>{statusText(status)}</span>;
}

/** An attendance rate as a percentage with a bar (the bar is decoration; the number is the content). */
export function RateBar({ rate, label }: { rate: number | null; label?: string }) {
  return (
    <span className="rate">
      <span className="rate-track" aria-hidden="true">
        <span className="rate-fill" style={{ width: `${Math.round((rate ?? 0) * 100)}%` }} />
      </span>
      <span className="rate-value">{rate === null ? t('noRate') : (label ?? formatRate(rate))}</span>
    </span>
  );
}

/** A count with its label; the total is read out to screen readers. */
export function Tile({ kind, label, value, total }: { kind: string; label: string; value: number; total: number }) {
  return (
    <div className={`tile tile-${kind}`} data-testid={`count-${kind}`}>
      <span className="tile-value">{value}</span>
      <span className="tile-label">
        {label}
        <span className="visually-hidden"> / {total}</span>
      </span>
    </div>
  );
}
