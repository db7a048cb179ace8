/**
 * Request/reply commands on NATS core (`cc.<service>.…`), served by queue groups (nats.ts).
 * A published subject is never renamed: a new version is added beside it.
 *
 * Each context declares its commands in its own rpc.ts, each once: its subject, the schema its
 * request is validated with and the type of its reply. They are joined here into the typed maps
 * that RpcClient and RpcServer (libs/messaging) check subjects, requests and replies against.
 */
import type { z } from 'zod';
import { AuditRpc } from './audit/rpc.js';
import { CheckinRpc } from './checkin/rpc.js';
import { DeviceRpc } from './devices/rpc.js';
import { DirectoryRpc } from './directory/rpc.js';
import { FlagRpc } from './flags/rpc.js';
import { PasskeyRpc } from './passkeys/rpc.js';
import { ReportRpc } from './reports/rpc.js';
import { SessionRpc } from './sessions/rpc.js';
import { SignInRpc } from './sign-in/rpc.js';
import { WebhookRpc } from './webhooks/rpc.js';
import { WarningRpc } from './warnings/rpc.js';
import { PushRpc } from './push/rpc.js';
import { PrivacyRpc } from './privacy/rpc.js';
import { join, schemasByWire, wireNames, type TypesByWire } from './slice-maps.js';

const Commands = join([SignInRpc, DirectoryRpc, AuditRpc, SessionRpc, CheckinRpc, PasskeyRpc, DeviceRpc, FlagRpc, ReportRpc, WebhookRpc, WarningRpc, PushRpc, PrivacyRpc]);

/** Each command's subject, by name. */
export const Rpc = wireNames(Commands);
export type RpcSubject = (typeof Rpc)[keyof typeof Rpc];

/** For each command: the schema its request is validated with, and the type of its reply. */
export const RpcRequestSchemas = schemasByWire(Commands);
export type RpcReplies = TypesByWire<typeof Commands>;

/** The request a caller builds (schema input: defaults may be left out). */
export type RpcRequest<S extends RpcSubject> = z.input<(typeof RpcRequestSchemas)[S]>;
/** The request a handler receives (validated, defaults applied). */
export type RpcParsed<S extends RpcSubject> = z.output<(typeof RpcRequestSchemas)[S]>;
export type RpcReply<S extends RpcSubject> = RpcReplies[S];
