/**
 * Each bounded context (sessions/, checkin/, …) declares every message it puts on a wire once, in
 * its own folder: a command with its subject, its request schema and its reply type; a client event
 * with its name, its payload schema and its ack's data; a server push with its name and payload; a
 * stream event with its subject and schema. The assemblers at the top (rpc.ts, socket.ts,
 * events.ts) join the slices and derive from them the maps each transport uses (name → subject,
 * subject → schema, subject → type), so a feature adds to its own folder only.
 */
import type { z } from 'zod';

/** A message as its slice declares it: the name it travels under on the wire and the type that goes with it. */
export interface Declared<Wire extends string = string, Type = unknown> {
  /** The subject or event name: published, so never renamed (a new version is added beside it). */
  readonly wire: Wire;
  /** Compile time only, never set: a command's reply, a client event's ack data, a server push's payload. */
  readonly type?: Type;
}
/** A message validated where it arrives: its wire name, its schema and the type that goes with it. */
export interface Validated<Wire extends string = string, Schema extends z.ZodType = z.ZodType, Type = unknown> extends Declared<Wire, Type> {
  readonly schema: Schema;
}

/** A request/reply command on NATS core: `command('cc.…v1', RequestSchema).replies<Reply>()`. */
export function command<Wire extends string, Schema extends z.ZodType>(wire: Wire, schema: Schema) {
  return { replies: <Reply>(): Validated<Wire, Schema, Reply> => ({ wire, schema }) };
}
/** An event a client sends, answered with an ack: `clientEvent('x:y', PayloadSchema).acks<AckData>()`. */
export function clientEvent<Wire extends string, Schema extends z.ZodType>(wire: Wire, schema: Schema) {
  return { acks: <Ack>(): Validated<Wire, Schema, Ack> => ({ wire, schema }) };
}
/** An event the gateway pushes to clients: `serverEvent('x:y').carries<Payload>()`. */
export function serverEvent<Wire extends string>(wire: Wire) {
  return { carries: <Payload>(): Declared<Wire, Payload> => ({ wire }) };
}
/** A fact on a JetStream stream: its subject and the schema of its data. */
export function streamEvent<Wire extends string, Schema extends z.ZodType>(wire: Wire, schema: Schema): Validated<Wire, Schema> {
  return { wire, schema };
}

/** One context's messages of one kind, by name. */
type Slice<D extends Declared = Declared> = Record<string, D>;
/** The slices joined into one map (their names never overlap: see join). */
type Joined<T extends readonly Slice[]> = T extends readonly [infer First, ...infer Rest extends readonly Slice[]] ? First & Joined<Rest> : unknown;

type ValueOf<T> = T[keyof T];
type KeysOf<T> = T extends unknown ? keyof T : never;
/** The keys more than one of the maps defines: never when they are disjoint. */
type SharedKeys<T extends readonly object[]> = T extends readonly [infer First, ...infer Rest extends readonly object[]]
  ? Extract<keyof First, KeysOf<Rest[number]>> | SharedKeys<Rest>
  : never;
/** `true` when no two of the maps share a key; otherwise the shared keys, so the compiler names them. */
export type NoSharedKeys<T extends readonly object[]> = [SharedKeys<T>] extends [never] ? true : { keysDefinedTwice: SharedKeys<T> };
/** Compiles only when given `true`: `type _ = Check<NoSharedKeys<[A, B]>>`. */
export type Check<T extends true> = T;

type WireOf<D> = D extends Declared<infer Wire> ? Wire : never;
/** The wire names more than one message of the map travels under: never when each has its own. */
type SharedWires<M> = ValueOf<{ [K in keyof M]: WireOf<M[K]> extends WireOf<ValueOf<Omit<M, K>>> ? WireOf<M[K]> : never }>;

/** `unknown` when the slices share no name and no two messages share a wire name; otherwise what they share, so the compiler names it. */
type JoinedOnce<T extends readonly Slice[]> = [SharedKeys<T>] extends [never]
  ? [SharedWires<Joined<T>>] extends [never]
    ? unknown
    : { wireNamesUsedTwice: SharedWires<Joined<T>> }
  : { namesDefinedTwice: SharedKeys<T> };

/**
 * One map of every slice's messages. A name two slices both declared would silently take the
 * later one's value, and two messages on one wire name would be joined into one: the compiler
 * refuses either here, naming the culprits.
 */
export function join<const T extends readonly Slice[]>(slices: T & JoinedOnce<T>): Joined<T> {
  return Object.assign({}, ...slices) as Joined<T>;
}

/** Name → wire name, e.g. `Rpc.sessionStart` → `'cc.session.start.v1'`. */
export type WireNames<M extends Slice> = { readonly [K in keyof M]: M[K]['wire'] };
/** Wire name → schema, e.g. `'cc.session.start.v1'` → `StartSessionRequest`. */
export type SchemasByWire<M extends Slice<Validated>> = { readonly [K in keyof M as M[K]['wire']]: M[K]['schema'] };
/** Wire name → the type that goes with it (reply, ack data, payload). */
export type TypesByWire<M extends Slice> = { [K in keyof M as M[K]['wire']]: M[K] extends Declared<string, infer Type> ? Type : never };

export function wireNames<M extends Slice>(messages: M): WireNames<M> {
  return Object.fromEntries(Object.entries(messages).map(([name, { wire }]) => [name, wire])) as WireNames<M>;
}
export function schemasByWire<M extends Slice<Validated>>(messages: M): SchemasByWire<M> {
  return Object.fromEntries(Object.values(messages).map(({ wire, schema }) => [wire, schema])) as SchemasByWire<M>;
}
