/**
 * "Notify me when class starts": a student turns on Web Push for this device. The browser's
 * subscription (endpoint and keys) goes to the server with this device's passkey, if it has one,
 * so that removing the passkey or signing out stops the notifications; the service worker
 * (public/sw.js) shows them and a tap opens the check-in. Hidden where the browser has no push,
 * or the server sends none (no VAPID key).
 */
import { useEffect, useState } from 'react';
import type { ErrorBody } from '@classconnect/contracts';
import { lang } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';

const words = {
  en: {
    title: 'Class reminders',
    off: 'Get a notification on this device when one of your classes starts, even with the app closed.',
    on: 'This device is notified when one of your classes starts.',
    turnOn: 'Notify me when class starts',
    turnOff: 'Stop notifications on this device',
    denied: 'Notifications are blocked for this site in your browser’s settings: allow them there to turn this on.',
  },
  fr: {
    title: 'Rappels de cours',
    off: 'Recevez une notification sur cet appareil quand un de vos cours commence, même application fermée.',
    on: 'Cet appareil est averti quand un de vos cours commence.',
    turnOn: 'Me prévenir quand le cours commence',
    turnOff: 'Arrêter les notifications sur cet appareil',
    denied: 'Les notifications sont bloquées pour ce site dans les réglages du navigateur : autorisez-les pour activer ceci.',
  },
}[lang];

/** The passkey registered from this browser (devices.tsx keeps the list), if any. */
function passkeyHere(): string | undefined {
  try {
    const ids = JSON.parse(localStorage.getItem('classconnect.passkeys-here') ?? '[]') as string[];
    return ids.at(-1);
  } catch {
    return undefined;
  }
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

const supported = () => typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

export function PushOptIn({ live }: { live: Live }) {
  const [publicKey, setPublicKey] = useState<string | null>(null);
  const [subscribed, setSubscribed] = useState<boolean | null>(null);
  const [error, setError] = useState<ErrorBody | string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!supported()) return;
    let gone = false;
    void (async () => {
      const res = await live.request('push:config', {});
      if (gone || !res.ok || !res.data.publicKey) return;
      setPublicKey(res.data.publicKey);
      const reg = await navigator.serviceWorker.ready;
      const sub = await reg.pushManager.getSubscription();
      if (!gone) setSubscribed(Boolean(sub) && Notification.permission === 'granted');
    })();
    return () => {
      gone = true;
    };
  }, [live]);

  if (!publicKey || subscribed === null) return null;

  const turnOn = async () => {
    setBusy(true);
    setError(null);
    try {
      if ((await Notification.requestPermission()) !== 'granted') return setError(words.denied);
      const reg = await navigator.serviceWorker.ready;
      const sub = (await reg.pushManager.getSubscription()) ?? (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
      const json = sub.toJSON() as { endpoint: string; keys: { p256dh: string; auth: string } };
      const credentialId = passkeyHere();
      const res = await live.request('push:subscribe', { subscription: { endpoint: json.endpoint, keys: json.keys }, ...(credentialId ? { credentialId } : {}) });
      if (!res.ok) {
        await sub.unsubscribe().catch(() => false);
        return setError(res.error);
      }
      setSubscribed(true);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const turnOff = async () => {
    setBusy(true);
    setError(null);
    try {
      const sub = await (await navigator.serviceWorker.ready).pushManager.getSubscription();
      if (sub) {
        await live.request('push:unsubscribe', { endpoint: sub.endpoint });
        await sub.unsubscribe();
      }
      setSubscribed(false);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="push-title" data-testid="push-opt-in" data-state={subscribed ? 'on' : 'off'}>
      <h2 id="push-title">{words.title}</h2>
      <p className="hint">{subscribed ? words.on : words.off}</p>
      <ErrorAlert error={error} />
      <button type="button" className={`button button-small${subscribed ? ' button-secondary' : ''}`} disabled={busy} onClick={() => void (subscribed ? turnOff() : turnOn())}>
        {subscribed ? words.turnOff : words.turnOn}
      </button>
    </section>
  );
}
