import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode, authorize, type IdentityPersonData, type PersonDataRequest, type Role } from '@classconnect/contracts';
import type { Queryable } from '../infrastructure/queryable.js';

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/**
 * identity-service's part of one person's data (GDPR Art. 15 and 20): the account, single sign-on
 * links, sign-ins (never their tokens), courses, and audit entries about or by them. Asked by the
 * person themself or by an administrator; the gateway joins it with the other services' parts.
 */
@Injectable()
export class IdentityPersonDataService {
  constructor(@Inject(DataSource) private readonly db: Queryable) {}

  async export({ actor, userId }: PersonDataRequest): Promise<IdentityPersonData> {
    authorize(actor, actor.userId === userId ? 'data.export-own' : 'user.export');
    const [account] = (await this.db.query(
      `SELECT id, CASE WHEN erased_at IS NULL THEN email ELSE '' END AS email, name, role, disabled,
              password_hash IS NOT NULL AS has_password, created_at, erased_at
         FROM identity.users WHERE id = $1`,
      [userId],
    )) as { id: string; email: string; name: string; role: Role; disabled: boolean; has_password: boolean; created_at: Date; erased_at: Date | null }[];
    if (!account) throw new DomainError(ErrorCode.USER_NOT_FOUND, 'There is no account with this id.');
    const [external, signIns, enrollments, teaches, audit] = await Promise.all([
      this.db.query('SELECT issuer, subject, linked_at, last_sign_in_at FROM identity.external_identities WHERE user_id = $1 ORDER BY linked_at', [userId]),
      this.db.query('SELECT id, method, created_at, last_used_at, revoked_at, revoke_reason FROM identity.sign_ins WHERE user_id = $1 ORDER BY created_at', [userId]),
      this.db.query(
        `SELECT c.id, c.code, c.title, e.created_at FROM identity.enrollments e JOIN identity.courses c ON c.id = e.course_id
          WHERE e.student_id = $1 ORDER BY c.code`,
        [userId],
      ),
      this.db.query(
        'SELECT c.id, c.code, c.title FROM identity.course_teachers t JOIN identity.courses c ON c.id = t.course_id WHERE t.teacher_id = $1 ORDER BY c.code',
        [userId],
      ),
      this.db.query(
        `SELECT at, action, summary, actor_id = $1 AS by_person FROM identity.audit_log
          WHERE actor_id = $1 OR target_id = $1::text OR strpos(details::text, $1::text) > 0
          ORDER BY id`,
        [userId],
      ),
    ]);
    return {
      account: {
        id: account.id,
        email: account.email,
        name: account.name,
        role: account.role,
        disabled: account.disabled,
        hasPassword: account.has_password,
        createdAt: iso(account.created_at)!,
        erasedAt: iso(account.erased_at),
      },
      externalIdentities: (external as { issuer: string; subject: string; linked_at: Date; last_sign_in_at: Date | null }[]).map((x) => ({
        issuer: x.issuer,
        subject: x.subject,
        linkedAt: iso(x.linked_at)!,
        lastSignInAt: iso(x.last_sign_in_at),
      })),
      signIns: (signIns as { id: string; method: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null; revoke_reason: string | null }[]).map((s) => ({
        id: s.id,
        method: s.method,
        createdAt: iso(s.created_at)!,
        lastUsedAt: iso(s.last_used_at),
        revokedAt: iso(s.revoked_at),
        revokeReason: s.revoke_reason,
      })),
      enrollments: (enrollments as { id: string; code: string; title: string; created_at: Date }[]).map((e) => ({
        courseId: e.id,
        courseCode: e.code,
        courseTitle: e.title,
        enrolledAt: iso(e.created_at)!,
      })),
      teaches: (teaches as { id: string; code: string; title: string }[]).map((c) => ({ courseId: c.id, courseCode: c.code, courseTitle: c.title })),
      auditEntries: (audit as { at: Date; action: string; summary: string; by_person: boolean }[]).map((a) => ({
        at: iso(a.at)!,
        action: a.action,
        summary: a.summary,
        relation: a.by_person ? ('by' as const) : ('about' as const),
      })),
    };
  }
}
