import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { CourseSummary, ErrorBody, SessionView } from '@classconnect/contracts';
import type { Auth } from '../../api.js';
import { MyHistory } from '../reports/history.js';
import { errorText, formatTime, t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { QrCodeField, takeQrLink } from './qr-entry.js';
import { ErrorAlert } from '../../ui.js';
import { passkeysSupported } from '../../webauthn.js';
import { useCheckin, type Step } from './use-checkin.js';
import { MyPasskeys, registerThisDevice, registrationError } from './devices.js';
import { PushOptIn } from './push-opt-in.js';
import { MyDataDownload, RecordsDownload } from '../reports/downloads-ui.js';

export function StudentHome({ live, auth }: { live: Live; auth: Auth }) {
  const [passkeyCount, setPasskeyCount] = useState<number | null>(null);
  const [courses, setCourses] = useState<CourseSummary[] | null>(null);
  const [sessions, setSessions] = useState<Map<string, SessionView>>(new Map());
  const [view, setView] = useState<'home' | 'history' | 'passkeys'>('home');
  // The rotating QR code per session: scanned (the link the phone's camera opened) or typed.
  const [link] = useState(() => takeQrLink());
  const [codes, setCodes] = useState<Map<string, { code: string; scanned: boolean }>>(() => new Map(link ? [[link.sessionId, { code: link.token, scanned: true }]] : []));
  const autoStarted = useRef(false);
  const { steps, setSteps, checkIn: checkInWith } = useCheckin(live, {
    onNoPasskey: () => setPasskeyCount(0),
    onCodeRefused: (id) =>
      setCodes((m) => {
        const next = new Map(m);
        next.delete(id);
        return next;
      }),
  });
  const checkIn = (session: SessionView) => checkInWith(session, codes.get(session.sessionId)?.code);

  useEffect(() => {
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
    // A Stop undone: the session is open again, and a student not yet checked in may check in.
    const offReopened = live.on('session:reopened', (e) => {
      void live.request('session:get', { sessionId: e.sessionId }).then((res) => {
        if (!res.ok || res.data.status !== 'open') return;
        setSessions((m) => new Map(m).set(e.sessionId, res.data));
        setSteps((m) => (m.get(e.sessionId)?.kind === 'accepted' ? m : new Map(m).set(e.sessionId, { kind: 'idle' })));
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
      offOpened();
      offClosed();
      offReopened();
      offConnect();
    };
  }, [live]);

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
  useLayoutEffect(() => {
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

