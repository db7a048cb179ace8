/**
 * Request/reply commands on NATS core (`cc.<service>.…`), served by queue groups (nats.ts).
 * A published subject is never renamed: a new version is added beside it.
 *
 * Each context declares its commands in its own rpc.ts: the subjects, the schema each request is
 * validated with and the type of each reply. They are joined here into the one typed map that
 * RpcClient and RpcServer (libs/messaging) check subjects, requests and replies against.
 */
import type { z } from 'zod';
import { AuditRpc, AuditRpcRequests, type AuditRpcReplies } from './audit/rpc.js';
import { CheckinRpc, CheckinRpcRequests, type CheckinRpcReplies } from './checkin/rpc.js';
import { DeviceRpc, DeviceRpcRequests, type DeviceRpcReplies } from './devices/rpc.js';
import { DirectoryRpc, DirectoryRpcRequests, type DirectoryRpcReplies } from './directory/rpc.js';
import { FlagRpc, FlagRpcRequests, type FlagRpcReplies } from './flags/rpc.js';
import { PasskeyRpc, PasskeyRpcRequests, type PasskeyRpcReplies } from './passkeys/rpc.js';
import { ReportRpc, ReportRpcRequests, type ReportRpcReplies } from './reports/rpc.js';
import { SessionRpc, SessionRpcRequests, type SessionRpcReplies } from './sessions/rpc.js';
import { SignInRpc, SignInRpcRequests, type SignInRpcReplies } from './sign-in/rpc.js';
import type { Check, NoSharedKeys, SameKeys } from './slice-maps.js';

export const Rpc = {
  ...SignInRpc,
  ...DirectoryRpc,
  ...AuditRpc,
  ...SessionRpc,
  ...CheckinRpc,
  ...PasskeyRpc,
  ...DeviceRpc,
  ...FlagRpc,
  ...ReportRpc,
} as const;
export type RpcSubject = (typeof Rpc)[keyof typeof Rpc];

/** For each command: the schema its request is validated with, and the type of its reply. */
export const RpcRequestSchemas = {
  ...SignInRpcRequests,
  ...DirectoryRpcRequests,
  ...AuditRpcRequests,
  ...SessionRpcRequests,
  ...CheckinRpcRequests,
  ...PasskeyRpcRequests,
  ...DeviceRpcRequests,
  ...FlagRpcRequests,
  ...ReportRpcRequests,
} as const satisfies Record<RpcSubject, z.ZodType>;

export interface RpcReplies
  extends SignInRpcReplies,
    DirectoryRpcReplies,
    AuditRpcReplies,
    SessionRpcReplies,
    CheckinRpcReplies,
    PasskeyRpcReplies,
    DeviceRpcReplies,
    FlagRpcReplies,
    ReportRpcReplies {}

/** The request a caller builds (schema input: defaults may be left out). */
export type RpcRequest<S extends RpcSubject> = z.input<(typeof RpcRequestSchemas)[S]>;
/** The request a handler receives (validated, defaults applied). */
export type RpcParsed<S extends RpcSubject> = z.output<(typeof RpcRequestSchemas)[S]>;
export type RpcReply<S extends RpcSubject> = RpcReplies[S];

// A name or a subject two contexts both declared would be joined silently, and a subject needs a
// reply type as well as a request schema: the compiler refuses either here.
type NamesOnce = Check<
  NoSharedKeys<[typeof SignInRpc, typeof DirectoryRpc, typeof AuditRpc, typeof SessionRpc, typeof CheckinRpc, typeof PasskeyRpc, typeof DeviceRpc, typeof FlagRpc, typeof ReportRpc]>
>;
type SubjectsOnce = Check<
  NoSharedKeys<
    [
      typeof SignInRpcRequests,
      typeof DirectoryRpcRequests,
      typeof AuditRpcRequests,
      typeof SessionRpcRequests,
      typeof CheckinRpcRequests,
      typeof PasskeyRpcRequests,
      typeof DeviceRpcRequests,
      typeof FlagRpcRequests,
      typeof ReportRpcRequests,
    ]
  >
>;
type RepliesOnce = Check<
  NoSharedKeys<[SignInRpcReplies, DirectoryRpcReplies, AuditRpcReplies, SessionRpcReplies, CheckinRpcReplies, PasskeyRpcReplies, DeviceRpcReplies, FlagRpcReplies, ReportRpcReplies]>
>;
type EveryReply = Check<SameKeys<RpcReplies, typeof RpcRequestSchemas>>;
