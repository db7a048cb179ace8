import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { CheckinResult, CourseSummary, ErrorBody, SessionView } from '@classconnect/contracts';
import type { Auth } from './api.js';
import { LocationError, currentPosition } from './geo.js';
import { MyHistory } from './history.js';
import { errorText, formatTime, t } from './i18n.js';
import type { Live } from './live.js';
import { QrCodeField, takeQrLink } from './qr-entry.js';
import { ErrorAlert } from './ui.js';
import { isRetryReason } from './features/roster/roster-model.js';
import { passkeysSupported, signChallenge } from './webauthn.js';
import { MyPasskeys, registerThisDevice, registrationError } from './devices.js';
import { PushOptIn } from './student/push-opt-in.js';
import { MyDataDownload, RecordsDownload } from './downloads-ui.js';

type Step =
  | { kind: 'idle' }
  | { kind: 'busy'; label: 'stepStarting' | 'stepPasskey' | 'stepLocation' | 'stepSending' | 'stepChecking' | 'waitingNetwork' }
  | { kind: 'accepted'; at: string }
  | { kind: 'rejected'; code: string; distanceM?: number }
  /** The QR code was stale, mistyped or guessed too often: nothing is wrong with the student, they type the code shown now. */
  | { kind: 'retry'; code: string }
  | { kind: 'problem'; text: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function StudentHome({ live, auth }: { live: Live; auth: Auth }) {
  const [passkeyCount, setPasskeyCount] = useState<number | null>(null);
  const [courses, setCourses] = useState<CourseSummary[] | null>(null);
  const [sessions, setSessions] = useState<Map<string, SessionView>>(new Map());
  const [steps, setSteps] = useState<Map<string, Step>>(new Map());
  const [view, setView] = useState<'home' | 'history' | 'passkeys'>('home');
  // The rotating QR code per session: scanned (the link the phone's camera opened) or typed.
  const [link] = useState(() => takeQrLink());
  const [codes, setCodes] = useState<Map<string, { code: string; scanned: boolean }>>(() => new Map(link ? [[link.sessionId, { code: link.token, scanned: true }]] : []));
  const autoStarted = useRef(false);
  const results = useRef(new Map<string, CheckinResult>());
  const resultWaiters = useRef(new Map<string, (r: CheckinResult) => void>());

  const setStep = useCallback((sessionId: string, step: Step) => setSteps((m) => new Map(m).set(sessionId, step)), []);

  useEffect(() => {
    const offResult = live.on('checkin:result', (r) => {
      results.current.set(r.submissionId, r);
      resultWaiters.current.get(r.submissionId)?.(r);
    });
    const offOpened = live.on('session:opened', (s) => {
      setSessions((m) => new Map(m).set(s.sessionId, s));
      setSteps((m) => (m.has(s.sessionId) ? m : new Map(m).set(s.sessionId, { kind: 'idle' })));
      navigator.vibrate?.([200, 100, 200]);
    });
    const offClosed = live.on('session:closed', (c) => {
      setSessions((m) => {
        const s = m.get(c.sessionId);
        return s ? new Map(m).set(c.sessionId, { ...s, status: 'closed', closedAt: c.closedAt }) : m;
      });
    });
    const offConnect = live.onConnect(async () => {
      const [pk, me, active] = await Promise.all([live.request('passkey:list', {}), live.request('me:get', {}), live.request('sessions:active', {})]);
      if (pk.ok) setPasskeyCount(pk.data.passkeys.length);
      if (me.ok) setCourses(me.data.courses.filter((c) => c.relation === 'student'));
      if (active.ok) {
        setSessions((m) => {
          const next = new Map(m);
          for (const s of active.data.sessions) next.set(s.sessionId, s);
          return next;
        });
      }
    });
    return () => {
      offResult();
      offOpened();
      offClosed();
      offConnect();
    };
  }, [live]);

  /** Waits for the verdict of `submissionId` (it may already have arrived), at most `ms`. */
  const waitForResult = useCallback((submissionId: string, ms: number): Promise<CheckinResult | null> => {
    const known = results.current.get(submissionId);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        resultWaiters.current.delete(submissionId);
        resolve(null);
      }, ms);
      resultWaiters.current.set(submissionId, (r) => {
        clearTimeout(timer);
        resultWaiters.current.delete(submissionId);
        resolve(r);
      });
    });
  }, []);

  /** The code was refused (stale, wrong, too many tries): it is cleared, and the card asks for the one shown now. */
  function askForFreshCode(sessionId: string, reason: string) {
    setCodes((m) => {
      const next = new Map(m);
      next.delete(sessionId);
      return next;
    });
    setStep(sessionId, { kind: 'retry', code: reason });
  }

  async function checkIn(session: SessionView) {
    const id = session.sessionId;
    // Offline: say so, and start by itself when the network is back (nothing to confirm yet).
    if (live.state !== 'online') {
      setStep(id, { kind: 'busy', label: 'waitingNetwork' });
      await live.whenOnline();
    }
    setStep(id, { kind: 'busy', label: 'stepStarting' });
    // The code is judged now, when it was scanned or typed: the passkey prompt and the position take
    // what time they need without it going stale.
    const qr = codes.get(id)?.code.trim();
    const begin = await live.request('checkin:begin', { sessionId: id, ...(qr ? { qr } : {}) });
    if (!begin.ok) {
      if (begin.error.code === 'ALREADY_CHECKED_IN') return setStep(id, { kind: 'accepted', at: new Date().toISOString() });
      // A stale or wrong code: the field asks for the one shown now, and the card says "try again".
      if (isRetryReason(begin.error.code)) return askForFreshCode(id, begin.error.code);
      if (begin.error.code === 'NO_PASSKEY') {
        setPasskeyCount(0);
        return setStep(id, { kind: 'idle' });
      }
      return setStep(id, { kind: 'rejected', code: begin.error.code });
    }
    setStep(id, { kind: 'busy', label: 'stepPasskey' });
    // The position is looked up while the person confirms with their passkey.
    const position = currentPosition();
    position.catch(() => {});
    let assertion: Record<string, unknown>;
    try {
      assertion = await signChallenge(begin.data.options);
    } catch (err) {
      // NotAllowedError: the person cancelled, or the phone could not verify them (no fingerprint, face or
      // PIN set up): browsers do not say which, and both are fixed the same way.
      const name = err instanceof DOMException ? err.name : '';
      return setStep(id, { kind: 'rejected', code: name === 'NotAllowedError' || name === 'AbortError' ? 'USER_NOT_VERIFIED' : 'ASSERTION_INVALID' });
    }
    setStep(id, { kind: 'busy', label: 'stepLocation' });
    let where;
    try {
      where = await position;
    } catch (err) {
      return setStep(id, { kind: 'problem', text: t(err instanceof LocationError && err.kind === 'denied' ? 'locationDenied' : 'locationUnavailable') });
    }
    // One attempt = one idempotency key: every resend of this payload (after a drop or a busy server) is the same check-in.
    const payload = { sessionId: id, assertion, position: where, idempotencyKey: crypto.randomUUID() } as const;
    let submissionId: string | null = null;
    for (let attempt = 0; submissionId === null; attempt++) {
      if (live.state !== 'online') {
        setStep(id, { kind: 'busy', label: 'waitingNetwork' });
        await live.whenOnline();
      }
      setStep(id, { kind: 'busy', label: 'stepSending' });
      const res = await live.request('checkin:submit', payload as never);
      if (res.ok) {
        submissionId = res.data.submissionId;
        // A resend of an attempt that was already decided carries its verdict in the ack (no push follows).
        if (res.data.status === 'decided' && res.data.result) results.current.set(submissionId, res.data.result);
      }
      else if (res.error.code === 'SERVICE_UNAVAILABLE' && attempt < 12) await sleep(Math.min(8_000, 500 * 2 ** attempt));
      else return setStep(id, { kind: 'rejected', code: res.error.code });
    }
    setStep(id, { kind: 'busy', label: 'stepChecking' });
    let result = await waitForResult(submissionId, 15_000);
    if (!result) {
      // The push may have been lost in a dropped connection: resend the same attempt (same key), which
      // answers with the verdict if it was decided, then wait a little more.
      await live.whenOnline();
      const again = await live.request('checkin:submit', payload as never);
      if (again.ok && again.data.status === 'decided' && again.data.result) result = again.data.result;
      else result = await waitForResult(submissionId, 10_000);
    }
    // A refused code is stale or wrong: the field asks for a fresh one, and the card says "try again", not "refused".
    if (result?.reason && isRetryReason(result.reason)) return askForFreshCode(id, result.reason);
    if (result) {
      return setStep(id, result.verdict === 'accepted' ? { kind: 'accepted', at: result.at } : { kind: 'rejected', code: result.reason ?? 'INTERNAL', distanceM: result.distanceM });
    }
    // No verdict pushed (it may have been sent while we were offline): ask whether we are marked.
    const probe = await live.request('checkin:begin', { sessionId: id });
    if (!probe.ok && probe.error.code === 'ALREADY_CHECKED_IN') return setStep(id, { kind: 'accepted', at: new Date().toISOString() });
    setStep(id, { kind: 'problem', text: `${t('unconfirmedTitle')}. ${t('unconfirmedBody')}` });
  }

  // Opened from a QR code: check in to that session at once (a retry is one tap away if the phone needs a gesture).
  useEffect(() => {
    if (!link || autoStarted.current || !passkeyCount) return;
    const session = sessions.get(link.sessionId);
    if (session?.status !== 'open' || (steps.get(link.sessionId)?.kind ?? 'idle') !== 'idle') return;
    autoStarted.current = true;
    void checkIn(session);
  });

  if (passkeyCount === null) return <p className="muted">{t('loading')}</p>;
  if (passkeyCount === 0) return <PasskeySetup live={live} onDone={() => setPasskeyCount(1)} />;

  // A closed session stays on screen for a student who tried it: the result, or that it has ended.
  const tried = (id: string) => ['accepted', 'rejected', 'retry', 'problem'].includes(steps.get(id)?.kind ?? 'idle');
  const visible = [...sessions.values()].filter((s) => s.status === 'open' || tried(s.sessionId));
  return (
    <div className="stack">
      {visible.length === 0 ? (
        view === 'home' && <section className="panel calm" aria-live="polite">
          <p>{t('noActive')}</p>
        </section>
      ) : (
        visible.map((s) => {
          const entry = codes.get(s.sessionId);
          const qrField = (
            <QrCodeField
              session={s}
              code={entry?.code ?? ''}
              scanned={entry?.scanned ?? false}
              open={steps.get(s.sessionId)?.kind === 'retry'}
              onCode={(code, scanned) => setCodes((m) => new Map(m).set(s.sessionId, { code, scanned }))}
            />
          );
          const needsCode = s.qr?.mode === 'required' && !entry?.code.trim();
          return (
            <CheckinCard key={s.sessionId} session={s} step={steps.get(s.sessionId) ?? { kind: 'idle' }} onCheckIn={() => checkIn(s)} qrField={qrField} needsCode={needsCode} />
          );
        })
      )}
      {view === 'passkeys' ? (
        <MyPasskeys live={live} onBack={() => setView('home')} />
      ) : view === 'history' ? (
        <MyHistory
          live={live}
          onBack={() => setView('home')}
          extra={
            <>
              <RecordsDownload token={auth.accessToken} />
              <MyDataDownload token={auth.accessToken} />
            </>
          }
        />
      ) : (
        <section aria-labelledby="my-courses">
          <div className="section-head">
            <h2 id="my-courses">{t('myCourses')}</h2>
            <span className="course-actions">
              <button type="button" className="button button-secondary button-small" onClick={() => setView('history')}>
                {t('myHistoryOpen')}
              </button>
              <button type="button" className="button button-secondary button-small" onClick={() => setView('passkeys')}>
                {t('passkeysOpen')}
              </button>
            </span>
          </div>
          {courses === null ? (
            <p className="muted">{t('loading')}</p>
          ) : (
            <ul className="course-list compact">
              {courses.map((c) => (
                <li key={c.id} className="course-card course-card-open">
                  {/* A tap on a course opens the student's attendance (the history lists every course). */}
                  <button type="button" className="course-open" onClick={() => setView('history')} title={t('courseOpenHistory', { course: `${c.code} ${c.title}` })}>
                    <span className="course-name">
                      <span className="course-code">{c.code}</span>
                      <span className="course-title">{c.title}</span>
                    </span>
                    <span className="course-chevron" aria-hidden="true">
                      ›
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <PushOptIn live={live} />
        </section>
      )}
    </div>
  );
}

function CheckinCard(props: { session: SessionView; step: Step; onCheckIn: () => void; qrField?: ReactNode; needsCode?: boolean }) {
  const { session, step, onCheckIn, qrField, needsCode = false } = props;
  const course = `${session.courseCode} · ${session.courseTitle}`;
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Move focus to the outcome so screen readers and keyboards land on it.
  useEffect(() => {
    if (step.kind === 'accepted' || step.kind === 'rejected' || step.kind === 'retry' || step.kind === 'problem') headingRef.current?.focus();
  }, [step.kind]);

  if (step.kind === 'accepted') {
    return (
      <section className="result result-ok" aria-live="polite" data-testid="checkin-result" data-verdict="accepted">
        <div className="result-icon" aria-hidden="true">
          ✓
        </div>
        <h1 tabIndex={-1} ref={headingRef}>
          {t('acceptedTitle')}
        </h1>
        <p>{t('acceptedBody', { course, time: formatTime(step.at) })}</p>
      </section>
    );
  }
  const closed = session.status === 'closed';
  // A refusal's advice ("move closer and try again") means nothing once the session has ended: only that is said.
  if (closed && (step.kind === 'rejected' || step.kind === 'retry' || step.kind === 'problem')) {
    return (
      <section className="result result-ended" aria-live="polite" data-testid="checkin-result" data-verdict="ended">
        <h1 tabIndex={-1} ref={headingRef}>
          {course}
        </h1>
        <p>{t('sessionEnded')}</p>
      </section>
    );
  }
  if (step.kind === 'retry') {
    const text = errorText(step.code);
    return (
      <section className="result result-retry" aria-live="polite" data-testid="checkin-result" data-verdict="retry" data-reason={step.code}>
        <div className="result-icon" aria-hidden="true">
          ↻
        </div>
        <h1 tabIndex={-1} ref={headingRef}>
          {t('retryTitle')}
        </h1>
        <p className="result-course">{course}</p>
        <p className="result-problem">{text.problem}</p>
        <p className="result-todo">{text.todo}</p>
        {qrField}
        <button type="button" className="button button-primary button-block button-big" onClick={onCheckIn} disabled={needsCode}>
          {t('retry')}
        </button>
      </section>
    );
  }
  if (step.kind === 'rejected' || step.kind === 'problem') {
    const text = step.kind === 'rejected' ? errorText(step.code, { distance: step.distanceM, radius: session.radiusM }) : null;
    return (
      <section className="result result-bad" aria-live="polite" data-testid="checkin-result" data-verdict="rejected" data-reason={step.kind === 'rejected' ? step.code : ''}>
        <div className="result-icon" aria-hidden="true">
          !
        </div>
        <h1 tabIndex={-1} ref={headingRef}>
          {t('rejectedTitle')}
        </h1>
        <p className="result-course">{course}</p>
        {text ? (
          <>
            <p className="result-problem">{text.problem}</p>
            <p className="result-todo">{text.todo}</p>
          </>
        ) : (
          <p className="result-problem">{step.kind === 'problem' ? step.text : ''}</p>
        )}
        {closed ? (
          <p>{t('sessionEnded')}</p>
        ) : (
          <>
            {qrField}
            <button type="button" className="button button-primary button-block button-big" onClick={onCheckIn} disabled={needsCode}>
              {t('retry')}
            </button>
          </>
        )}
      </section>
    );
  }
  const busy = step.kind === 'busy';
  return (
    <section className="checkin" aria-labelledby={`s-${session.sessionId}`} data-testid="checkin-card">
      <p className="eyebrow">
        <span className="pulse" aria-hidden="true" /> {t('sessionOpen', { course: session.courseCode })}
      </p>
      <h1 id={`s-${session.sessionId}`}>{session.courseTitle}</h1>
      {!busy && qrField}
      <button type="button" className="button button-primary button-block button-big" onClick={onCheckIn} disabled={busy || needsCode} aria-label={busy ? undefined : t('checkInFor', { course })}>
        {!busy ? t('checkIn') : step.label === 'waitingNetwork' ? t('waitingNetworkShort') : t(step.label)}
      </button>
      <p className="muted" role="status">
        {busy ? t(step.label) : ''}
      </p>
    </section>
  );
}

function PasskeySetup({ live, onDone }: { live: Live; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | string | null>(null);

  async function setUp() {
    setBusy(true);
    setError(null);
    try {
      if ((await registerThisDevice(live)) === 'already-here') setError(t('setupAlready'));
      onDone();
    } catch (err) {
      setError(registrationError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="setup stack" aria-labelledby="setup-title">
      <div className="setup-icon" aria-hidden="true">
        <svg viewBox="0 0 48 48" width="56" height="56">
          <circle cx="17" cy="20" r="9" fill="none" stroke="currentColor" strokeWidth="3.5" />
          <path d="M24 23h18v6h-4v5h-5v-5h-9z" fill="currentColor" />
        </svg>
      </div>
      <h1 id="setup-title">{t('setupTitle')}</h1>
      <p>{t('setupIntro')}</p>
      <ul className="points">
        <li>{t('setupPoint1')}</li>
        <li>{t('setupPoint2')}</li>
        <li>{t('setupPoint3')}</li>
      </ul>
      <ErrorAlert error={passkeysSupported() ? error : t('setupUnsupported')} />
      <button type="button" className="button button-primary button-block button-big" onClick={setUp} disabled={busy || !passkeysSupported()}>
        {busy ? t('setupWorking') : t('setupButton')}
      </button>
    </section>
  );
}

