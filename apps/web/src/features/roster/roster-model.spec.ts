import { describe, expect, it } from '@jest/globals';
import type { RosterEntry, RosterUpdate } from '@classconnect/contracts';
import { buildRows, countRows, filterRows, foldRoster, type RosterRow } from './roster-model.js';

const entry = (id: string, name: string, extra: Partial<RosterEntry> = {}): RosterEntry => ({ studentId: id, name, state: 'absent', ...extra });
const push = (id: string, state: 'present' | 'rejected', reason?: RosterUpdate['reason']): RosterUpdate => ({ sessionId: 's', studentId: id, state, at: '2026-12-07T09:00:00Z', ...(reason ? { reason } : {}) });
const by = 'teacher-1';

describe('the live roster model', () => {
  const base = [
    entry('a', 'Zoé Petit'),
    entry('b', 'Léa Martin'),
    entry('c', 'Noé Bernard'),
    entry('d', 'Ana Souza', { override: { status: 'excused', reason: 'Doctor', by, at: '2026-12-07T09:00:00Z' }, status: 'excused' }),
    entry('e', 'Eli Chen', { state: 'present', markedAt: '2026-12-07T08:59:00Z', status: 'late' }),
    entry('f', 'Fay Dunn'),
  ];
  const updates = [push('a', 'rejected', 'OUTSIDE_GEOFENCE'), push('b', 'rejected', 'QR_EXPIRED'), push('c', 'present'), push('c', 'rejected', 'OUTSIDE_GEOFENCE'), push('f', 'present')];
  const rows = buildRows(foldRoster(base, updates), new Map([['f', [{ code: 'SHARED_DEVICE', detail: 'x' }]]]), new Map([['b', 'lea.martin@univ.example']]));

  it('puts what needs the teacher first: refused, flagged, needs retry, not yet, then the settled ones', () => {
    expect(rows.map((r) => [r.name, r.kind])).toEqual([
      ['Zoé Petit', 'refused'],
      ['Fay Dunn', 'flagged'],
      ['Léa Martin', 'retry'],
      ['Eli Chen', 'late'],
      ['Noé Bernard', 'present'],
      ['Ana Souza', 'excused'],
    ]);
  });

  it('counts each status; a status set by hand is the row’s own', () => {
    expect(countRows(rows)).toMatchObject({ all: 6, refused: 1, flagged: 1, retry: 1, waiting: 0, late: 1, present: 1, excused: 1 });
  });

  it('never downgrades a present check-in, and a QR refusal is "needs retry", not "refused"', () => {
    expect(rows.find((r) => r.studentId === 'c')).toMatchObject({ state: 'present', kind: 'present' });
    expect(rows.find((r) => r.studentId === 'b')).toMatchObject({ state: 'rejected', reason: 'QR_EXPIRED', kind: 'retry' });
  });

  it('filters by status and searches names (without accents) and emails', () => {
    const names = (list: RosterRow[]) => list.map((r) => r.name);
    expect(names(filterRows(rows, 'checked-in', ''))).toEqual(['Fay Dunn', 'Eli Chen', 'Noé Bernard']);
    expect(names(filterRows(rows, 'excused', ''))).toEqual(['Ana Souza']);
    expect(names(filterRows(rows, 'all', 'noe'))).toEqual(['Noé Bernard']);
    expect(names(filterRows(rows, 'all', 'MARTIN@univ'))).toEqual(['Léa Martin']);
    expect(names(filterRows(rows, 'refused', 'lea'))).toEqual([]);
  });

  it('orders and counts 1,000 rows in one pass', () => {
    const many = Array.from({ length: 1000 }, (_, i) => entry(`s${i}`, `Student ${String(i).padStart(4, '0')}`));
    const pushes = Array.from({ length: 500 }, (_, i) => push(`s${i * 2}`, i % 10 === 0 ? 'rejected' : 'present', i % 10 === 0 ? 'OUTSIDE_GEOFENCE' : undefined));
    const big = buildRows(foldRoster(many, pushes), new Map(), new Map());
    expect(countRows(big)).toMatchObject({ all: 1000, refused: 50, present: 450, waiting: 500 });
    expect(big[0]!.kind).toBe('refused');
    expect(big.at(-1)!.kind).toBe('present');
  });
});
