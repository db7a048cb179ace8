/**
 * Dead letters, for administrators: the messages a part of ClassConnect set aside after failing to
 * handle them several times, oldest first, each with a Replay (after a confirmation) once its cause
 * is fixed. A column of cards on a phone; on a laptop the Replay button sits beside each card.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { DeadLetterSummary, ErrorBody } from '@classconnect/contracts';
import { formatDate, formatTime, plural, t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';
import { eventOf, partOf, replayErrorDetail } from './dead-letter-text.js';
import './admin.css';
import './dead-letters.css';

const Limit = 200;
/** The gateway waits up to a minute for the consumer to handle the replayed message; leave it that and a margin. */
const ReplayTimeoutMs = 75_000;

/** What a replay that did not go through says on its card. */
type Outcome = { kind: 'failed'; detail: string | null } | { kind: 'nobody' } | { kind: 'error'; error: ErrorBody };

export function DeadLettersPanel({ live }: { live: Live }) {
  const ids = useId();
  const [items, setItems] = useState<DeadLetterSummary[] | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [replaying, setReplaying] = useState<number | null>(null);
  const [outcomes, setOutcomes] = useState<Record<number, Outcome>>({});
  const [notice, setNotice] = useState('');

  const load = useCallback(async () => {
    const res = await live.request('deadletter:list', { limit: Limit });
    if (!res.ok) return setError(res.error);
    setError(null);
    setItems(res.data.items);
  }, [live]);
  useEffect(() => live.onConnect(() => void load()), [live, load]);

  const refresh = () => {
    setNotice('');
    setOutcomes({});
    void load();
  };

  async function replay(d: DeadLetterSummary) {
    setConfirming(null);
    setReplaying(d.sequence);
    setNotice('');
    setOutcomes((prev) => {
      const next = { ...prev };
      delete next[d.sequence];
      return next;
    });
    const res = await live.request('deadletter:replay', { sequence: d.sequence }, ReplayTimeoutMs);
    setReplaying(null);
    const part = partOf(d).text;
    if (res.ok || res.error.code === 'NOT_FOUND') {
      // Handled now, or already by someone else: either way it is no longer set aside.
      setItems((prev) => prev?.filter((x) => x.sequence !== d.sequence) ?? null);
      setNotice(res.ok ? t('deadReplayed', { part }) : t('deadReplayGone'));
      return;
    }
    const outcome: Outcome =
      res.error.code === 'INTERNAL'
        ? { kind: 'failed', detail: replayErrorDetail(res.error.message) }
        : res.error.code === 'SERVICE_UNAVAILABLE'
          ? { kind: 'nobody' }
          : { kind: 'error', error: res.error };
    setOutcomes((prev) => ({ ...prev, [d.sequence]: outcome }));
  }

  return (
    <section className="panel stack dead-letters" aria-labelledby={`${ids}-title`}>
      <div className="section-head">
        <h2 id={`${ids}-title`}>{t('adminTabDeadLetters')}</h2>
        <button type="button" className="button button-secondary button-small" onClick={refresh} disabled={replaying !== null}>
          {t('deadRefresh')}
        </button>
      </div>
      <p className="muted">{t('deadIntro')}</p>
      <p role="status" className={notice ? 'alert alert-ok' : 'visually-hidden'}>
        {notice}
      </p>
      <ErrorAlert error={error} />
      {items === null ? (
        !error && <p className="muted">{t('loading')}</p>
      ) : items.length === 0 ? (
        <p className="calm" data-testid="dead-letters-none">
          {t('deadNone')}
        </p>
      ) : (
        <>
          <p className="dead-count" data-testid="dead-letters-count">
            {plural('deadCount', items.length)}
            {items.length >= Limit ? ` ${t('deadCountCapped', { n: Limit })}` : ''}
          </p>
          <ol className="admin-list dead-list" data-testid="dead-letter-list" aria-labelledby={`${ids}-title`}>
            {items.map((d) => (
              <DeadLetterCard
                key={d.sequence}
                d={d}
                confirming={confirming === d.sequence}
                replaying={replaying === d.sequence}
                busy={replaying !== null}
                outcome={outcomes[d.sequence]}
                onAsk={() => (setConfirming(d.sequence), setNotice(''))}
                onCancel={() => setConfirming(null)}
                onReplay={() => void replay(d)}
              />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

interface CardProps {
  d: DeadLetterSummary;
  confirming: boolean;
  replaying: boolean;
  busy: boolean;
  outcome: Outcome | undefined;
  onAsk: () => void;
  onCancel: () => void;
  onReplay: () => void;
}

function DeadLetterCard({ d, confirming, replaying, busy, outcome, onAsk, onCancel, onReplay }: CardProps) {
  const ids = useId();
  const part = partOf(d);
  const event = eventOf(d);
  const when = `${formatDate(d.deadAt)}, ${formatTime(d.deadAt)}`;
  // The confirmation's buttons go away while replaying: give focus back to Replay once it is over.
  const replayButton = useRef<HTMLButtonElement>(null);
  const wasReplaying = useRef(false);
  useEffect(() => {
    if (wasReplaying.current && !replaying) replayButton.current?.focus();
    wasReplaying.current = replaying;
  }, [replaying]);
  return (
    <li className="admin-item dead-item" aria-labelledby={`${ids}-part`} aria-busy={replaying}>
      <div className="admin-item-main">
        <span className="admin-item-title" id={`${ids}-part`}>
          {part.text}
        </span>
        {part.known && <span className="dead-raw">{d.consumer}</span>}
        <span className="admin-item-sub">
          <time dateTime={d.deadAt}>{when}</time>
          {' · '}
          {plural('deadTries', d.failures)}
        </span>
        <dl className="dead-facts">
          <div>
            <dt>{t('deadEvent')}</dt>
            <dd>
              {event && <span className="dead-event">{event}</span>}
              <span className="dead-raw">{d.subject}</span>
            </dd>
          </div>
          <div>
            <dt>{t('deadError')}</dt>
            <dd className="dead-error">{d.error || '—'}</dd>
          </div>
        </dl>
        <OutcomeAlert outcome={outcome} part={part.text} />
      </div>
      <div className="dead-actions">
        {replaying ? (
          <p className="muted dead-replaying" role="status">
            {t('deadReplaying')}
          </p>
        ) : confirming ? (
          <div className="dead-confirm" role="group" aria-label={t('deadReplayOf', { part: part.text, when })}>
            <p>{t('deadReplayConfirm', { part: part.text })}</p>
            <div className="mark-actions">
              <button type="button" className="button button-primary button-small" onClick={onReplay} autoFocus>
                {t('deadReplayYes')}
              </button>
              <button type="button" className="button button-secondary button-small" onClick={onCancel}>
                {t('cancel')}
              </button>
            </div>
          </div>
        ) : (
          <button ref={replayButton} type="button" className="button button-secondary button-small" onClick={onAsk} disabled={busy} aria-label={t('deadReplayOf', { part: part.text, when })}>
            {t('deadReplay')}
          </button>
        )}
      </div>
    </li>
  );
}

function OutcomeAlert({ outcome, part }: { outcome: Outcome | undefined; part: string }) {
  if (!outcome) return null;
  if (outcome.kind === 'error') return <ErrorAlert error={outcome.error} />;
  return (
    <div className="alert alert-error dead-outcome" role="alert">
      <p>{outcome.kind === 'failed' ? t('deadReplayFailed') : t('deadReplayNobody', { part })}</p>
      {outcome.kind === 'failed' && outcome.detail && <p className="dead-error">{outcome.detail}</p>}
    </div>
  );
}
