/** An in-memory QR store, for unit specs. */
import { QrStore, type QrState } from '../qr.repository.js';

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
}
