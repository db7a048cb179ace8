/** An in-memory QR store, for unit specs. */
import { QrStore } from '../qr.repository.js';

export class FakeQrStore extends QrStore {
  readonly secrets = new Map<string, Buffer>();
  readonly tags = new Map<string, string>();
  readonly attempts = new Map<string, number>();
  async secret(id: string) {
    return this.secrets.get(id) ?? null;
  }
  async sessionOfTag(tag: string) {
    return this.tags.get(tag) ?? null;
  }
  async countAttempt(sessionId: string, studentId: string) {
    const n = (this.attempts.get(`${sessionId}:${studentId}`) ?? 0) + 1;
    this.attempts.set(`${sessionId}:${studentId}`, n);
    return n;
  }
  async forgiveAttempt(sessionId: string, studentId: string) {
    this.attempts.set(`${sessionId}:${studentId}`, (this.attempts.get(`${sessionId}:${studentId}`) ?? 1) - 1);
  }
}
