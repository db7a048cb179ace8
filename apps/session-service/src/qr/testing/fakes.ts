/** An in-memory QR store, for unit specs. */
import { QrStore, type QrAttemptLimit, type QrState, type QrVerdict } from '../qr.repository.js';

export class FakeQrStore extends QrStore {
  readonly secrets = new Map<string, Buffer>();
  readonly options = new Map<string, Omit<QrState, 'secret'>>();
  readonly tags = new Map<string, string>();
  async secret(id: string) {
    return this.secrets.get(id) ?? null;
  }
  async qrState(id: string): Promise<QrState | null> {
    const options = this.options.get(id);
    return options ? { ...options, secret: this.secrets.get(id) ?? null } : null;
  }
  async sessionOfTag(tag: string) {
    return this.tags.get(tag) ?? null;
  }
  /** Attempts per (session, student); the window never ends here (a spec plays it with `attempts.clear()`). */
  readonly attempts = new Map<string, number>();
  async countAttempt(sessionId: string, studentId: string, verdict: QrVerdict, limit: QrAttemptLimit): Promise<QrVerdict | 'throttled'> {
    const key = `${sessionId}:${studentId}`;
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    if (n > limit.attemptsPerWindow) return 'throttled';
    if (verdict !== 'valid') return verdict;
    this.attempts.set(key, n - 1);
    return 'valid';
  }
}
