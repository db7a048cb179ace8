/**
 * One person's data, whole (GDPR Art. 15 and 20): each service answers for what it holds, and the
 * gateway joins the parts into one JSON document (`GET /api/me/data.json`, or an admin's
 * `GET /api/users/:userId/data.json`; protocol §10.12). Keys, hashes and secrets are never in it.
 */
import { z } from 'zod';
import { Actor, Id } from '../primitives.js';

/** Whose data, asked by whom: the person themself ('data.export-own') or an admin ('user.export'). */
export const PersonDataRequest = z.object({ actor: Actor, userId: Id }).strict();
export type PersonDataRequest = z.infer<typeof PersonDataRequest>;

/** identity-service: the account, how the person signs in, their courses, and the audit log's entries about them or by them. */
export interface IdentityPersonData {
  account: {
    id: string;
    email: string;
    name: string;
    role: 'admin' | 'teacher' | 'student';
    disabled: boolean;
    hasPassword: boolean;
    createdAt: string;
    /** Set once the person has been erased: the name and email above are then the placeholders. */
    erasedAt: string | null;
  };
  /** Single sign-on links: the identity provider and the person's id there. */
  externalIdentities: { issuer: string; subject: string; linkedAt: string; lastSignInAt: string | null }[];
  /** Every sign-in (a device or browser that signed in), ended or not. Tokens are never included. */
  signIns: { id: string; method: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null; revokeReason: string | null }[];
  enrollments: { courseId: string; courseCode: string; courseTitle: string; enrolledAt: string }[];
  teaches: { courseId: string; courseCode: string; courseTitle: string }[];
  /** Entries whose subject is the person (`about`) or that the person made (`by`). */
  auditEntries: { at: string; action: string; summary: string; relation: 'about' | 'by' }[];
}

/** verification-service: passkeys (ids and names, never keys) and the device binding. */
export interface VerificationPersonData {
  passkeys: { id: string; deviceName: string | null; status: string; createdAt: string; lastUsedAt: string | null; decidedAt: string | null }[];
  /** When the person's first passkey bound their account to a device (later ones wait for approval). */
  deviceBoundAt: string | null;
}

/** report-service: attendance with its evidence, flags, hand marks with reasons, warnings, push subscriptions. */
export interface ReportPersonData {
  /** One entry per session of a course the person was enrolled in when it started. */
  attendance: {
    sessionId: string;
    courseId: string;
    courseCode: string;
    courseTitle: string;
    openedAt: string;
    closedAt: string | null;
    status: string;
    markedAt: string | null;
    /** How presence was proven (passkey, position, QR code), or 'manual'. */
    methods: string[];
    distanceM: number | null;
    accuracyM: number | null;
  }[];
  /** Every check-in decided for the person, accepted or refused, with the reason. */
  checkins: { submissionId: string; sessionId: string; verdict: string; reason: string | null; distanceM: number | null; accuracyM: number | null; decidedAt: string }[];
  flags: { submissionId: string; sessionId: string; courseId: string; code: string; detail: string | null; flaggedAt: string }[];
  handMarks: { sessionId: string; courseId: string; status: string; previousStatus: string; reason: string; changedBy: string; changedAt: string }[];
  warnings: { warningId: string; courseId: string; kind: string; raisedAt: string; clearedAt: string | null; clearReason: string | null }[];
  /** Devices that receive a notification when class starts: the push service's host only. */
  pushSubscriptions: { pushService: string; createdAt: string; lastSentAt: string | null }[];
}

/** integration-service: webhook endpoints the person registered (administrators only). Secrets are never included. */
export interface IntegrationPersonData {
  webhookEndpoints: { id: string; url: string; description: string | null; createdAt: string; enabled: boolean }[];
}

/** What `GET /api/me/data.json` returns. */
export interface PersonDataExport extends IdentityPersonData, VerificationPersonData, ReportPersonData, IntegrationPersonData {
  /** `classconnect.person-data.v1`: the shape of this document. */
  format: 'classconnect.person-data.v1';
  generatedAt: string;
}
