/**
 * Device binding in the web client: a student's own passkeys (list, add this device, remove), and
 * the panel where teachers and admins approve or refuse students' new devices.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ErrorBody, PasskeysReply, PendingDevice, VerifyRegistrationReply } from '@classconnect/contracts';
import { formatDate, formatTime, t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';
import { createPasskey, passkeysSupported } from '../../webauthn.js';
import './devices.css';

type Passkey = PasskeysReply['passkeys'][number];

/** The passkeys added from this browser, so the list can say which one is "this device". */
const HereKey = 'classconnect.passkeys-here';
function passkeysHere(): string[] {
  try {
    return JSON.parse(localStorage.getItem(HereKey) ?? '[]') as string[];
  } catch {
    return [];
  }
}
function rememberHere(credentialId: string): void {
  try {
    localStorage.setItem(HereKey, JSON.stringify([...passkeysHere(), credentialId].slice(-10)));
  } catch {
    // private mode: the list just does not say which one is here
  }
}

/** A name the student will recognise in a future list of passkeys. */
function deviceName(): string {
  const ua = navigator.userAgent;
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : 'device';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Chrome\//.test(ua) ? 'Chrome' : /Firefox\//.test(ua) ? 'Firefox' : /Safari\//.test(ua) ? 'Safari' : 'browser';
  return `${browser} on ${os}`;
}

/**
 * The passkey ceremony for this device: options, the browser's prompt, registration, and this
 * device remembered as the passkey's. `'already-here'` when the device already holds a passkey of
 * this account; a cancelled prompt or a refusal is thrown as a sentence or an ErrorBody.
 */
export async function registerThisDevice(live: Live): Promise<VerifyRegistrationReply | 'already-here'> {
  const options = await live.request('passkey:options', {});
  if (!options.ok) throw options.error;
  let response;
  try {
    response = await createPasskey(options.data);
  } catch (err) {
    const name = err instanceof DOMException ? err.name : '';
    if (name === 'InvalidStateError') return 'already-here';
    throw name === 'NotAllowedError' || name === 'AbortError' ? t('setupCancelled') : err;
  }
  const res = await live.request('passkey:register', { response: response as never, deviceName: deviceName() });
  if (!res.ok) throw res.error;
  rememberHere(res.data.credentialId);
  return res.data;
}

/** What a failed registration shows: its sentence or error, else that the set-up was cancelled. */
export function registrationError(err: unknown): ErrorBody | string {
  return typeof err === 'string' || (err && typeof err === 'object' && 'code' in err) ? (err as ErrorBody | string) : t('setupCancelled');
}
const when = (iso: string) => `${formatDate(iso)} ${formatTime(iso)}`;

function StatusTag({ status }: { status: Passkey['status'] }) {
  const s = status ?? 'approved';
  return <span className={`badge badge-${s}`}>{t(s === 'approved' ? 'deviceApproved' : s === 'pending' ? 'devicePending' : 'deviceDenied')}</span>;
}

/** The student's passkeys: one per device. Adding one on a new device waits for a teacher's approval. */
export function MyPasskeys({ live, onBack }: { live: Live; onBack: () => void }) {
  const [passkeys, setPasskeys] = useState<Passkey[] | null>(null);
  const [error, setError] = useState<ErrorBody | string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'info' | 'ok'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);

  const load = useCallback(async () => {
    const res = await live.request('passkey:list', {});
    if (res.ok) setPasskeys(res.data.passkeys);
    else setError(res.error);
  }, [live]);

  useEffect(() => {
    const offConnect = live.onConnect(() => void load());
    const offDecided = live.on('device:decided', (d) => {
      void load().then(() =>
        setNotice({ kind: d.status === 'approved' ? 'ok' : 'info', text: t(d.status === 'approved' ? 'deviceNowApproved' : 'deviceNowDenied') }),
      );
    });
    return () => {
      offConnect();
      offDecided();
    };
  }, [live, load]);

  async function addThisDevice() {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const added = await registerThisDevice(live);
      if (added === 'already-here') throw t('deviceAlreadyHere');
      await load();
      setNotice(added.status === 'pending' ? { kind: 'info', text: t('deviceWaiting') } : { kind: 'ok', text: t('deviceAdded') });
    } catch (err) {
      setError(registrationError(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove(p: Passkey) {
    setBusy(true);
    setError(null);
    const res = await live.request('passkey:remove', { credentialId: p.credentialId });
    setBusy(false);
    setConfirming(null);
    if (!res.ok) return setError(res.error);
    await load();
    setNotice({ kind: 'ok', text: t('deviceRemoved', { name: p.deviceName }) });
  }

  return (
    <section aria-labelledby="passkeys-title" className="stack" data-testid="my-passkeys">
      <h1 id="passkeys-title">{t('passkeysTitle')}</h1>
      <p className="muted">{t('passkeysIntro')}</p>
      {notice && (
        <p className={`alert alert-${notice.kind}`} role="status" data-testid="passkeys-notice">
          {notice.text}
        </p>
      )}
      <ErrorAlert error={passkeysSupported() ? error : t('setupUnsupported')} />
      {passkeys === null ? (
        <p className="muted">{t('loading')}</p>
      ) : passkeys.length === 0 ? (
        <p className="panel calm">{t('passkeysNone')}</p>
      ) : (
        <ul className="device-list">
          {passkeys.map((p) => (
            <li key={p.credentialId} className="panel device-card" data-testid="passkey" data-status={p.status ?? 'approved'}>
              <div className="device-main">
                <span className="device-name">
                  {p.deviceName}
                  {passkeysHere().includes(p.credentialId) && (
                    <>
                      {' '}
                      <span className="badge badge-here">{t('deviceThisOne')}</span>
                    </>
                  )}
                </span>
                <span className="device-meta">
                  {t('deviceAddedOn', { when: when(p.createdAt) })}
                  {' · '}
                  {p.lastUsedAt ? t('deviceLastUsed', { when: when(p.lastUsedAt) }) : t('deviceNeverUsed')}
                </span>
                {p.status === 'pending' && <span className="device-meta">{t('deviceWaitingShort')}</span>}
              </div>
              <div className="device-actions">
                <StatusTag status={p.status} />
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() => setConfirming(p.credentialId)}
                  disabled={busy}
                  aria-label={t('deviceRemoveNamed', { name: p.deviceName })}
                >
                  {t('deviceRemove')}
                </button>
              </div>
              {confirming === p.credentialId && (
                <div className="device-confirm" role="alertdialog" aria-labelledby={`rm-${p.credentialId}`}>
                  <p id={`rm-${p.credentialId}`}>{t('deviceRemoveConfirm', { name: p.deviceName })}</p>
                  <button type="button" className="button button-danger button-small" onClick={() => void remove(p)} disabled={busy}>
                    {t('deviceRemoveYes')}
                  </button>
                  <button type="button" className="button button-secondary button-small" onClick={() => setConfirming(null)}>
                    {t('cancel')}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="panel stack">
        <p>{t('deviceAddIntro')}</p>
        <button type="button" className="button button-primary" onClick={() => void addThisDevice()} disabled={busy || !passkeysSupported()}>
          {busy ? t('setupWorking') : t('deviceAddThis')}
        </button>
      </div>
      <div>
        <button type="button" className="button button-secondary" onClick={onBack}>
          {t('backHome')}
        </button>
      </div>
    </section>
  );
}

/** Teachers (their courses' students) and admins (everyone): new devices waiting for a decision. Hidden when there is none. */
/** `standalone` (the admin's Devices tab): says so when nothing waits, instead of showing nothing. */
export function PendingDevicesPanel({ live, standalone = false }: { live: Live; standalone?: boolean }) {
  const [devices, setDevices] = useState<PendingDevice[]>([]);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [working, setWorking] = useState<string | null>(null);
  const [done, setDone] = useState('');

  const load = useCallback(async () => {
    const res = await live.request('device:pending', {});
    if (res.ok) setDevices(res.data.devices);
  }, [live]);

  useEffect(() => {
    const offs = [live.onConnect(() => void load()), live.on('device:approval-requested', () => void load()), live.on('device:decided', () => void load())];
    return () => offs.forEach((off) => off());
  }, [live, load]);

  async function decide(d: PendingDevice, approve: boolean) {
    setWorking(d.credentialId);
    setError(null);
    const res = await live.request(approve ? 'device:approve' : 'device:deny', { credentialId: d.credentialId });
    setWorking(null);
    if (!res.ok) setError(res.error);
    else setDone(t(approve ? 'approvedDone' : 'deniedDone', { name: d.studentName, device: d.deviceName }));
    await load();
  }

  const confirmation = (
    <p className="alert alert-ok" role="status" data-testid="devices-done" hidden={!done}>
      {done}
    </p>
  );
  if (devices.length === 0 && !error) {
    if (!standalone) return done ? confirmation : null;
    return (
      <section className="panel approvals stack" aria-labelledby="approvals-title" data-testid="pending-devices">
        <h2 id="approvals-title">{t('approvalsTitle', { n: 0 })}</h2>
        {confirmation}
        <p className="muted" data-testid="devices-empty">
          {t('approvalsNone')}
        </p>
      </section>
    );
  }
  return (
    <section className="panel approvals stack" aria-labelledby="approvals-title" data-testid="pending-devices">
      <h2 id="approvals-title">{t('approvalsTitle', { n: devices.length })}</h2>
      <p className="muted">{t('approvalsIntro')}</p>
      {confirmation}
      <ErrorAlert error={error} />
      <ul className="device-list">
        {devices.map((d) => (
          <li key={d.credentialId} className="device-card" data-testid="pending-device">
            <div className="device-main">
              <span className="device-name">{d.studentName}</span>
              <span className="device-meta">
                {d.studentEmail}
                {d.courseCodes.length > 0 && ` · ${d.courseCodes.join(', ')}`}
              </span>
              <span className="device-meta">{t('approvalsDevice', { device: d.deviceName, when: when(d.requestedAt) })}</span>
            </div>
            <div className="device-actions">
              <button
                type="button"
                className="button button-primary button-small"
                onClick={() => void decide(d, true)}
                disabled={working !== null}
                aria-label={t('approveNamed', { name: d.studentName, device: d.deviceName })}
              >
                {t('approve')}
              </button>
              <button
                type="button"
                className="button button-danger button-small"
                onClick={() => void decide(d, false)}
                disabled={working !== null}
                aria-label={t('denyNamed', { name: d.studentName, device: d.deviceName })}
              >
                {t('deny')}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
