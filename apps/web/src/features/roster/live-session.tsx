/**
 * The teacher's live session for a lecture hall: the counts and Stop stay on screen (a sticky bar),
 * each count filters the list, a search finds a student by name or email, and the list puts first
 * what needs the teacher (refused, flagged, needs retry, not yet). Pushes are applied in batches
 * (a few times a second) and rows are memoised, so 1,000 students checking in stay smooth.
 */
import { memo, useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { CheckinFlag, MarkChangeReply, SessionView } from '@classconnect/contracts';
import { errorText, formatTime, statusText, t, type Key } from '../../i18n.js';
import type { Live } from '../../live.js';
import { FlagBadges, useSessionFlags } from './flags.js';
import { MarkEditor } from './mark-editor.js';
import { ErrorAlert, StatusBadge } from '../../ui.js';
import { QrScreen } from './qr-view.js';
import { buildRows, checkedIn, countRows, filterRows, foldRoster, type Counts, type RosterFilter, type RosterRow, type RowKind } from './roster-model.js';
import { useLiveRoster } from './use-live-roster.js';
import './roster.css';
import { InputLimits } from '@classconnect/contracts/limits';

const filterLabels: { filter: RosterFilter; label: Key; kind: string }[] = [
  { filter: 'all', label: 'rosterAll', kind: 'all' },
  { filter: 'checked-in', label: 'present', kind: 'present' },
  { filter: 'waiting', label: 'absent', kind: 'absent' },
  { filter: 'refused', label: 'refused', kind: 'rejected' },
  { filter: 'retry', label: 'kindRetry', kind: 'retry' },
  { filter: 'flagged', label: 'kindFlagged', kind: 'flagged' },
  { filter: 'excused', label: 'statusExcused', kind: 'excused' },
  // Set absent by hand (not "not yet"): its own count, so the tiles add up to the class.
  { filter: 'absent', label: 'statusAbsent', kind: 'marked-absent' },
];

function countOf(counts: Counts, filter: RosterFilter): number {
  return filter === 'all' ? counts.all : filter === 'checked-in' ? checkedIn(counts) : counts[filter];
}

export function LiveSession({ live, session, onStopped }: { live: Live; session: SessionView; onStopped: (s: SessionView) => void }) {
  const { base, updates, emails, error, stopping, stop: stopSession, applyMark } = useLiveRoster(live, session, onStopped);
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [showQr, setShowQr] = useState(false);
  const [filter, setFilter] = useState<RosterFilter>('all');
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const qrButton = useRef<HTMLButtonElement>(null);
  const stopButton = useRef<HTMLButtonElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [saved, setSaved] = useState('');
  const flags = useSessionFlags(live, session.sessionId);

  // Started (or came back to) a live session: the teacher lands on its title, not on the page body.
  // A layout effect: focus moves before the next key press can reach anything else (Preact runs
  // plain effects only after the next frame).
  useLayoutEffect(() => heading.current?.focus(), []);

  const rows = useMemo(() => buildRows(foldRoster(base ?? [], updates), flags, emails), [base, updates, flags, emails]);
  const counts = useMemo(() => countRows(rows), [rows]);
  const shown = useMemo(() => filterRows(rows, filter, deferredQuery), [rows, filter, deferredQuery]);

  async function stop() {
    if (!(await stopSession())) setConfirming(false);
  }

  const onCancelEdit = useCallback(() => setEditing(null), []);
  const onToggleEdit = useCallback((id: string) => setEditing((e) => (e === id ? null : id)), []);
  const onSaved = useCallback((name: string, change: MarkChangeReply) => {
    setEditing(null);
    setSaved(t('markSaved', { name, status: statusText(change.status) }));
    applyMark(change);
  }, [applyMark]);

  const qrMode = session.qr?.mode ?? 'off';
  return (
    <section aria-labelledby="live-title" className="stack live">
      <div className="live-head">
        <div className="live-title">
          <p className="eyebrow">
            <span className="pulse" aria-hidden="true" /> {t('liveTitle')}
          </p>
          <h1 id="live-title" tabIndex={-1} ref={heading}>
            {session.courseCode} · {session.courseTitle}
          </h1>
          <p className="muted">
            {t('openedAt', { time: formatTime(session.openedAt), radius: session.radiusM })}
            {session.room ? ` · ${session.room.name}` : ''}
            {' · '}
            <span data-testid="live-qr-mode" data-mode={qrMode}>
              {t(qrMode === 'required' ? 'qrModeRequired' : qrMode === 'offered' ? 'qrModeOffered' : 'qrModeOff')}
            </span>
          </p>
        </div>
        {session.qr && (
          <button type="button" ref={qrButton} className="button button-primary" onClick={() => setShowQr(true)}>
            {t('qrShow')}
          </button>
        )}
      </div>
      {showQr && (
        <QrScreen
          live={live}
          session={session}
          present={{ n: checkedIn(counts), total: counts.all }}
          onClose={() => {
            setShowQr(false);
            setTimeout(() => qrButton.current?.focus());
          }}
        />
      )}
      <div className="live-bar" data-testid="live-bar">
        <div className="filters" role="group" aria-label={t('rosterFilterLabel')}>
          {filterLabels
            .filter(({ filter: f }) => f === 'all' || f === 'checked-in' || f === 'waiting' || f === 'refused' || countOf(counts, f) > 0 || filter === f)
            .map(({ filter: f, label, kind }) => (
              <button
                key={f}
                type="button"
                className={`tile tile-${kind} tile-button`}
                aria-pressed={filter === f}
                data-testid={`count-${kind}`}
                onClick={() => setFilter(filter === f && f !== 'all' ? 'all' : f)}
              >
                <span className="tile-value">{countOf(counts, f)}</span>
                <span className="tile-label">{t(label)}</span>
              </button>
            ))}
        </div>
        <button
          type="button"
          ref={stopButton}
          className="button button-stop"
          onClick={() => setConfirming(true)}
          disabled={stopping}
          aria-haspopup="dialog"
          aria-expanded={confirming}
        >
          {stopping ? t('stopping') : t('stop')}
        </button>
      </div>
      {confirming && (
        <StopConfirm
          counts={counts}
          course={`${session.courseCode} · ${session.courseTitle}`}
          stopping={stopping}
          onStop={stop}
          onCancel={() => {
            setConfirming(false);
            setTimeout(() => stopButton.current?.focus());
          }}
        />
      )}
      <ErrorAlert error={error} />
      <div className="roster-tools">
        <h2>{t('rosterTitle', { n: counts.all })}</h2>
        <label className="roster-search">
          <span className="visually-hidden">{t('rosterSearch')}</span>
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t('rosterSearch')} maxLength={InputLimits.search.max} data-testid="roster-search" />
        </label>
      </div>
      {base === null ? (
        <p className="muted">{t('loading')}</p>
      ) : (
        <>
          <p className="muted roster-shown" role="status" data-testid="roster-shown">
            {shown.length === rows.length ? '' : shown.length === 0 ? t('rosterNoMatch') : t('rosterShown', { shown: shown.length, n: rows.length })}
          </p>
          <ul className="roster" data-testid="roster">
            {shown.map((r) => (
              <Row
                key={r.studentId}
                row={r}
                flags={flags.get(r.studentId)}
                editing={editing === r.studentId}
                live={live}
                sessionId={session.sessionId}
                onToggle={onToggleEdit}
                onCancel={onCancelEdit}
                onSaved={onSaved}
              />
            ))}
          </ul>
        </>
      )}
      <p className="visually-hidden" role="status">
        {saved}
      </p>
    </section>
  );
}

const kindIcon: Record<RowKind, string> = { refused: '!', retry: '↻', flagged: '⚑', waiting: '', absent: '–', late: '✓', present: '✓', excused: 'E' };

interface RowProps {
  row: RosterRow;
  flags: CheckinFlag[] | undefined;
  editing: boolean;
  live: Live;
  sessionId: string;
  onToggle: (id: string) => void;
  onCancel: () => void;
  onSaved: (name: string, change: MarkChangeReply) => void;
}

/** Redrawn only when what it shows changes (the list is rebuilt on every batch of pushes). */
const Row = memo(
  function Row({ row: r, flags, editing, live, sessionId, onToggle, onCancel, onSaved }: RowProps) {
    const state = r.kind === 'refused' ? 'rejected' : r.state === 'present' ? 'present' : r.kind === 'retry' ? 'retry' : 'absent';
    return (
      <li className={`roster-row kind-${r.kind} state-${state}`} data-state={r.state} data-kind={r.kind} data-status={r.override?.status ?? ''} data-student={r.studentId}>
        <span className="state-icon" aria-hidden="true">
          {kindIcon[r.kind]}
        </span>
        <span className="roster-name">
          {r.name}
          {r.email && <span className="roster-email">{r.email}</span>}
        </span>
        <span className="roster-state">
          {r.override ? (
            <>
              <StatusBadge status={r.override.status} /> <span className="override">{t('changedByHand', { reason: r.override.reason })}</span>
              {r.state === 'present' && <span className="roster-proof">{t('statePresent', { time: formatTime(r.at) })}</span>}
            </>
          ) : r.state === 'present' ? (
            t(r.status === 'late' ? 'stateLate' : 'statePresent', { time: formatTime(r.at) })
          ) : r.state === 'rejected' ? (
            t(r.kind === 'retry' ? 'stateRetry' : 'stateRefused', { reason: errorText(r.reason ?? 'INTERNAL').short }) +
            (r.distanceM === undefined || r.kind === 'retry' ? '' : ` · ${t('distance', { n: Math.round(r.distanceM) })}`)
          ) : (
            t('stateAbsent')
          )}
        </span>
        <button
          type="button"
          className="button button-secondary button-small roster-change"
          aria-expanded={editing}
          aria-label={t('changeStatusFor', { name: r.name })}
          onClick={() => onToggle(r.studentId)}
        >
          {t('changeStatus')}
        </button>
        <FlagBadges flags={flags} />
        {editing && (
          <div className="roster-editor">
            <MarkEditor
              live={live}
              sessionId={sessionId}
              student={{ id: r.studentId, name: r.name }}
              current={r.override?.status ?? r.status ?? (r.state === 'present' ? 'present' : 'absent')}
              onCancel={onCancel}
              onSaved={(change) => onSaved(r.name, change)}
            />
          </div>
        )}
      </li>
    );
  },
  (a, b) =>
    a.editing === b.editing &&
    a.flags === b.flags &&
    a.row.kind === b.row.kind &&
    a.row.state === b.row.state &&
    a.row.at === b.row.at &&
    a.row.reason === b.row.reason &&
    a.row.name === b.row.name &&
    a.row.email === b.row.email &&
    a.row.distanceM === b.row.distanceM &&
    a.row.status === b.row.status &&
    a.row.override === b.row.override,
);

/** Stop asks first, with the counts; the safe answer has the focus, so one Enter does not end the session. */
function StopConfirm({ counts, course, stopping, onStop, onCancel }: { counts: Counts; course: string; stopping: boolean; onStop: () => void; onCancel: () => void }) {
  const keep = useRef<HTMLButtonElement>(null);
  // At once (a layout effect): an Enter pressed right after Stop must land on "Keep it open".
  useLayoutEffect(() => keep.current?.focus(), []);
  return (
    <div className="stop-confirm" role="alertdialog" aria-modal="false" aria-labelledby="stop-confirm-title" aria-describedby="stop-confirm-body" data-testid="stop-confirm" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <p id="stop-confirm-title" className="stop-confirm-title">
        {t('stopConfirmTitle', { course })}
      </p>
      <p id="stop-confirm-body">
        {t('stopConfirmBody', { present: checkedIn(counts), waiting: counts.waiting, refused: counts.refused + counts.retry, total: counts.all })}
      </p>
      <div className="mark-actions">
        <button type="button" ref={keep} className="button button-secondary" onClick={onCancel} disabled={stopping}>
          {t('stopConfirmNo')}
        </button>
        <button type="button" className="button button-stop" onClick={onStop} disabled={stopping}>
          {stopping ? t('stopping') : t('stopConfirmYes')}
        </button>
      </div>
    </div>
  );
}
