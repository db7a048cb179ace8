import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventSubjects, type Role } from '@classconnect/contracts';
import { auditSummaryOf, type AuditRecord } from '../audit/audit-entry.js';
import { updatedRows, type Queryable } from '../infrastructure/queryable.js';
import { failureKey } from '../sign-in/sign-in-throttle.js';
import { erasedEmail, erasedLabel, scrubMentions } from './erased-labels.js';

/** The account as it was just before it was erased: what the caller needs to finish the work (never stored). */
export interface ErasedAccount {
  outcome: 'erased';
  role: Role;
  erasedAt: Date;
  /** Sign-ins that were live: the gateways end their sockets. */
  liveSignInIds: string[];
  /** Whether the account was enabled until now (its status change is published too). */
  wasEnabled: boolean;
}

export type EraseOutcome = ErasedAccount | { outcome: 'already'; role: Role; erasedAt: Date } | { outcome: 'not-found' } | { outcome: 'mismatch' };

/**
 * identity-service's part of erasing a person, in one transaction: the account keeps its id (courses'
 * statistics refer to it) with placeholders for name and email; password, single sign-on links,
 * sign-ins with their refresh tokens, one-time codes and failed-attempt records go; the audit log's
 * entries that mention the person are reworded without their name and email. A port for tests.
 */
export abstract class ErasureStore {
  /** `confirmEmail`, when given, must be the account's email (else `mismatch`, and nothing changes). */
  abstract erase(userId: string, opts: { confirmEmail?: string; removeEnrollments: boolean }): Promise<EraseOutcome>;
  /** Accounts disabled before `cutoff` and not yet erased, oldest first. */
  abstract disabledBefore(cutoff: Date, limit: number): Promise<string[]>;
}

interface UserRow {
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  erased_at: Date | null;
}

interface AuditRow {
  id: string;
  source_event_id: string;
  at: Date;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  details: Record<string, unknown>;
  names: Record<string, string>;
}

@Injectable()
export class PostgresErasureStore extends ErasureStore {
  constructor(@Inject(DataSource) private readonly db: Queryable) {
    super();
  }

  erase(userId: string, opts: { confirmEmail?: string; removeEnrollments: boolean }): Promise<EraseOutcome> {
    return this.db.transaction(async (tx): Promise<EraseOutcome> => {
      const [user]: UserRow[] = await tx.query('SELECT email, name, role, disabled, erased_at FROM identity.users WHERE id = $1 FOR UPDATE', [userId]);
      if (!user) return { outcome: 'not-found' };
      if (user.erased_at) return { outcome: 'already', role: user.role, erasedAt: new Date(user.erased_at) };
      if (opts.confirmEmail !== undefined && opts.confirmEmail.trim().toLowerCase() !== user.email) return { outcome: 'mismatch' };
      const label = erasedLabel(user.role);

      const live: { id: string }[] = await tx.query('SELECT id FROM identity.sign_ins WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
      // Sign-ins cascade to their refresh tokens.
      await tx.query('DELETE FROM identity.sign_ins WHERE user_id = $1', [userId]);
      await tx.query('DELETE FROM identity.external_identities WHERE user_id = $1', [userId]);
      await tx.query('DELETE FROM identity.sso_codes WHERE user_id = $1', [userId]);
      await tx.query('DELETE FROM identity.sign_in_failures WHERE key = $1', [failureKey('email', user.email)]);
      if (opts.removeEnrollments) await tx.query('DELETE FROM identity.enrollments WHERE student_id = $1', [userId]);
      const [{ erased_at }] = updatedRows<{ erased_at: Date }>(await tx.query(
        `UPDATE identity.users
            SET email = $2, name = $3, password_hash = NULL, disabled = true, disabled_at = coalesce(disabled_at, now()), erased_at = now()
          WHERE id = $1
          RETURNING erased_at`,
        [userId, erasedEmail(userId), label],
      )) as [{ erased_at: Date }];
      await this.rewordAudit(tx, userId, [user.name, user.email], label);
      return { outcome: 'erased', role: user.role, erasedAt: new Date(erased_at), liveSignInIds: live.map((r) => r.id), wasEnabled: !user.disabled };
    });
  }

  async disabledBefore(cutoff: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      'SELECT id FROM identity.users WHERE disabled AND erased_at IS NULL AND disabled_at < $1 ORDER BY disabled_at LIMIT $2',
      [cutoff, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Every entry that mentions the person's id (as actor, target, in its names or anywhere in its data)
   * gets its data scrubbed of their name and email, the label in its names, and its sentence
   * written again from those.
   */
  private async rewordAudit(tx: Queryable, userId: string, mentions: string[], label: string): Promise<void> {
    const rows: AuditRow[] = await tx.query(
      `SELECT id, source_event_id, at, actor_id, action, target_type, target_id, details, names
         FROM identity.audit_log
        WHERE actor_id = $1 OR target_id = $1::text OR names ? $1::text OR strpos(details::text, $1::text) > 0`,
      [userId],
    );
    // The names and emails the person had before (an account created under one name, renamed since) are mentions too.
    const earlier = rows.flatMap((row) => earlierNamesIn(row, userId));
    const everyMention = [...new Set([...mentions, ...earlier])];
    for (const row of rows) {
      const details = scrubMentions(row.details, everyMention, label) as Record<string, unknown>;
      const names = { ...(scrubMentions(row.names, everyMention, label) as Record<string, string>), [userId]: label };
      const record: AuditRecord = {
        sourceEventId: row.source_event_id,
        at: new Date(row.at).toISOString(),
        actorId: row.actor_id,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        details,
      };
      const summary = auditSummaryOf(record, { user: (id) => names[String(id)] ?? String(id), course: (id) => names[String(id)] ?? String(id) });
      await tx.query('UPDATE identity.audit_log SET details = $2::jsonb, names = $3::jsonb, summary = $4 WHERE id = $1', [
        row.id,
        JSON.stringify(details),
        JSON.stringify(names),
        summary,
      ]);
    }
  }
}

/** The names and emails an account's own audit entries recorded for it: at creation, and at each rename. */
function earlierNamesIn(row: AuditRow, userId: string): string[] {
  const d = row.details;
  if (d.userId !== userId) return [];
  if (row.action === EventSubjects.accountCreated) return [d.name, d.email].filter((v): v is string => typeof v === 'string');
  if (row.action === EventSubjects.accountUpdated) {
    const name = (d.changes as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' ? [name] : [];
  }
  return [];
}
