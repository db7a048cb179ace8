// ClassConnect's service worker: makes the app installable and keeps its shell for a flaky
// network. It never caches the API, the socket or reports: attendance is always live.
const CACHE = 'classconnect-shell-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (/^\/(api|socket\.io|health)(\/|$)/.test(url.pathname)) return;
  // Network first; the last good copy of a page or asset only when the network is down.
  event.respondWith(
    fetch(event.request)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(event.request, copy));
        }
        return res;
      })
      .catch(() => caches.match(event.request).then((hit) => hit ?? caches.match('/'))),
  );
});

// Class-start notifications (Web Push, docs/protocol.md §3.21): the server sends
// { kind: 'session-opened', courseCode, courseTitle, sessionId, url } encrypted for this device.
const pushWords = (self.navigator.language || '').toLowerCase().startsWith('fr')
  ? { title: (c) => `${c} : le cours commence`, body: (t) => `${t} — touchez pour signaler votre présence.` }
  : { title: (c) => `${c}: class has started`, body: (t) => `${t} — tap to check in.` };

self.addEventListener('push', (event) => {
  let push;
  try {
    push = event.data ? event.data.json() : null;
  } catch {
    push = null;
  }
  if (!push || push.kind !== 'session-opened') return;
  event.waitUntil(
    self.registration.showNotification(pushWords.title(push.courseCode), {
      body: pushWords.body(push.courseTitle),
      tag: `session-${push.sessionId}`,
      icon: '/icon-192.png',
      badge: '/icon-192.png',
      data: { url: push.url },
    }),
  );
});

// A tap opens the check-in: an open window of the app is focused and taken there, else a new one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) return open.navigate(target).then((w) => (w || open).focus());
      return self.clients.openWindow(target);
    }),
  );
});
