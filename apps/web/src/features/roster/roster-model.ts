/**
 * The live roster's data, without React: session:get's snapshot folded with the roster:update
 * pushes, each row's main status, the order a teacher needs (what wants their attention first),
 * the counts per status, and the filter and search. Pure, so a roster of 1,000 rows is one pass
 * and the unit spec runs without a browser.
 */
import type { AttendanceStatus, CheckinFlag, MarkOverride, RosterEntry, RosterUpdate } from '@classconnect/contracts';

/**
 * A row's main status. `refused`: a check-in was refused for a reason the student cannot fix by
 * trying again at once (too far, wrong passkey…); `retry`: refused only for the QR code (stale,
 * mistyped) — the student is asked to try again; `waiting`: no check-in yet. A status set by hand
 * (present, late, excused, absent) is the row's main status, whatever the check-in said.
 */
export type RowKind = 'refused' | 'retry' | 'flagged' | 'waiting' | 'late' | 'present' | 'excused' | 'absent';

export interface RosterRow {
  studentId: string;
  name: string;
  email?: string;
  /** What the check-in itself said. */
  state: 'present' | 'absent' | 'rejected';
  at?: string;
  distanceM?: number;
  reason?: string;
  status?: AttendanceStatus;
  override?: MarkOverride;
  kind: RowKind;
}

/** Refusals a student fixes by typing the code shown now: "needs retry", not "refused". */
export function isRetryReason(reason: string | undefined): boolean {
  return !!reason && (reason.startsWith('QR_') || reason === 'RATE_LIMITED');
}

/** Most urgent first: refused, flagged, needs retry, not yet; then the settled ones. */
export const KindOrder: readonly RowKind[] = ['refused', 'flagged', 'retry', 'waiting', 'absent', 'late', 'present', 'excused'];
const rank = new Map(KindOrder.map((k, i) => [k, i]));

type Base = Omit<RosterRow, 'kind'>;

/** session:get's snapshot, then every push applied in order (a present check-in is never downgraded). */
export function foldRoster(base: readonly RosterEntry[], updates: readonly RosterUpdate[]): Map<string, Base> {
  const rows = new Map<string, Base>();
  for (const e of base) {
    rows.set(e.studentId, { studentId: e.studentId, name: e.name, state: e.state, at: e.markedAt, distanceM: e.distanceM, status: e.status, override: e.override });
  }
  for (const u of updates) {
    const row = rows.get(u.studentId) ?? { studentId: u.studentId, name: u.name ?? '—', state: 'absent' as const };
    if (row.state === 'present') continue;
    rows.set(
      u.studentId,
      u.state === 'present'
        ? { ...row, state: 'present', at: u.at, distanceM: u.distanceM, reason: undefined }
        : { ...row, state: 'rejected', at: u.at, distanceM: u.distanceM, reason: u.reason },
    );
  }
  return rows;
}

export function kindOf(row: Base, flags: readonly CheckinFlag[] | undefined): RowKind {
  if (row.override) return row.override.status;
  if (row.state === 'present') return flags?.length ? 'flagged' : row.status === 'late' ? 'late' : 'present';
  if (row.state === 'rejected') return isRetryReason(row.reason) ? 'retry' : 'refused';
  return 'waiting';
}

/** Rows with their kind, email joined from the course roster, in the teacher's order (then by name). */
export function buildRows(
  folded: Map<string, Base>,
  flags: ReadonlyMap<string, readonly CheckinFlag[]>,
  emails: ReadonlyMap<string, string>,
  collator: Intl.Collator = new Intl.Collator(undefined, { sensitivity: 'base' }),
): RosterRow[] {
  const rows: RosterRow[] = [];
  for (const row of folded.values()) rows.push({ ...row, email: emails.get(row.studentId), kind: kindOf(row, flags.get(row.studentId)) });
  return rows.sort((a, b) => rank.get(a.kind)! - rank.get(b.kind)! || collator.compare(a.name, b.name));
}

export type Counts = Record<RowKind, number> & { all: number };

export function countRows(rows: readonly RosterRow[]): Counts {
  const counts: Counts = { all: rows.length, refused: 0, retry: 0, flagged: 0, waiting: 0, late: 0, present: 0, excused: 0, absent: 0 };
  for (const r of rows) counts[r.kind]++;
  return counts;
}

/** The filters the teacher picks from: `checked-in` is present, late and flagged together. */
export type RosterFilter = 'all' | 'checked-in' | RowKind;

function matchesFilter(kind: RowKind, filter: RosterFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'checked-in') return kind === 'present' || kind === 'late' || kind === 'flagged';
  return kind === filter;
}

/** Lower case, without accents: "Léa" is found by "lea". */
export function searchable(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export function filterRows(rows: readonly RosterRow[], filter: RosterFilter, query: string): RosterRow[] {
  const words = searchable(query).split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (!matchesFilter(r.kind, filter)) return false;
    if (!words.length) return true;
    const hay = searchable(`${r.name} ${r.email ?? ''}`);
    return words.every((w) => hay.includes(w));
  });
}

/** Checked in (on time, late or with a flag): the number the projector shows. */
export function checkedIn(counts: Counts): number {
  return counts.present + counts.late + counts.flagged;
}
