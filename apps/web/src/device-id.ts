/**
 * Check-in flags: a random id this browser keeps, sent in the socket handshake so the server can
 * tell one device from another (several students on one phone are flagged). It says nothing about
 * the person; clearing the site's data makes a new one.
 */
const Key = 'classconnect.deviceId';

export function deviceId(): string | undefined {
  try {
    let id = localStorage.getItem(Key);
    if (!id || !/^[A-Za-z0-9_-]{8,128}$/.test(id)) {
      // getRandomValues works outside secure contexts too (randomUUID does not).
      id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
      localStorage.setItem(Key, id);
    }
    return id;
  } catch {
    return undefined; // storage disabled: the server falls back to the connection's address and browser
  }
}
