import { beforeEach, describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { codesAt, newQrSecret, sessionTag } from './qr-code.js';
import { QrJudge } from './qr-judge.js';
import { FakeQrStore } from './testing/fakes.js';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const C = 'cccccccc-0000-4000-8000-000000000003';

describe('QrJudge', () => {
  const now = new Date('2026-03-02T09:00:03.000Z');
  let store: FakeQrStore;
  let judge: QrJudge;
  const judged = (code: string, sessionId = A, at = now) => judge.judge(sessionId, code, at);

  beforeEach(() => {
    store = new FakeQrStore();
    for (const id of [A, B]) {
      store.secrets.set(id, newQrSecret());
      store.options.set(id, { mode: id === A ? 'required' : 'offered', stepSeconds: 10 });
      store.tags.set(sessionTag(id), id);
    }
    judge = new QrJudge(store, new SettableClock(now));
  });

  it('finds this session’s token and short code valid; another session’s token is wrong-session', async () => {
    const mine = codesAt(store.secrets.get(A)!, A, 10, now);
    const theirs = codesAt(store.secrets.get(B)!, B, 10, now);
    await expect(judged(mine.token)).resolves.toBe('valid');
    await expect(judged(mine.shortCode)).resolves.toBe('valid');
    await expect(judged(theirs.token)).resolves.toBe('wrong-session');
    // A token with B's tag that B's secret did not make is not "wrong session": it is invalid.
    await expect(judged(`${sessionTag(B)}.1.AAAAAAAAAAAAAAAA`)).resolves.toBe('invalid');
    await expect(judged('ABCDEF')).resolves.toBe('invalid');
  });

  it('judges as of the time given (when the check-in was queued), not as of now', async () => {
    const earlier = new Date(now.getTime() - 60_000);
    const then = codesAt(store.secrets.get(A)!, A, 10, earlier);
    await expect(judged(then.token, A, earlier)).resolves.toBe('valid');
    await expect(judged(then.token)).resolves.toBe('expired');
    await expect(judged(then.shortCode)).resolves.toBe('expired');
  });

  it('at checkin:begin, judges as of now and counts the attempt: five wrong codes, then even the right one is throttled', async () => {
    const mine = codesAt(store.secrets.get(A)!, A, 10, now);
    const student = 'dddddddd-0000-4000-8000-000000000004';
    await expect(judge.judgeAndCount(A, student, mine.shortCode)).resolves.toBe('valid');
    for (let i = 0; i < 5; i++) await expect(judge.judgeAndCount(A, student, 'ABCDEF')).resolves.toBe('invalid');
    await expect(judge.judgeAndCount(A, student, mine.token)).resolves.toBe('throttled');
    // Not counted where QR codes are off.
    await expect(judge.judgeAndCount(C, student, 'ABCDEF')).resolves.toBe('not-enabled');
    expect(store.attempts.get(`${C}:${student}`)).toBeUndefined();
  });

  it('says not-enabled for a session without QR codes, and invalid once the secret is gone', async () => {
    await expect(judged('ABCDEF', C)).resolves.toBe('not-enabled');
    const code = codesAt(store.secrets.get(A)!, A, 10, now).token;
    store.secrets.delete(A);
    await expect(judged(code)).resolves.toBe('invalid');
  });
});
