/**
 * Each bounded context (sessions/, checkin/, …) declares its own slice of every map a transport
 * uses: its RPC subjects, request schemas and replies, its client and server events, its stream
 * events, its error codes. The assemblers at the top (rpc.ts, socket.ts, events.ts,
 * error-codes.ts) join the slices by spreading them, so a feature adds to its own folder only.
 * A key two slices both defined would silently take the later one's value: each join is checked
 * with NoSharedKeys.
 */

/** The values of a map: `(typeof Rpc)[keyof typeof Rpc]`. */
export type ValueOf<T> = T[keyof T];

type KeysOf<T> = T extends unknown ? keyof T : never;

/** The keys more than one of the maps defines: never when they are disjoint. */
export type SharedKeys<T extends readonly object[]> = T extends readonly [infer First, ...infer Rest extends readonly object[]]
  ? Extract<keyof First, KeysOf<Rest[number]>> | SharedKeys<Rest>
  : never;

/** `true` when no two of the maps share a key; otherwise the shared keys, so the compiler names them. */
export type NoSharedKeys<T extends readonly object[]> = [SharedKeys<T>] extends [never] ? true : { keysDefinedTwice: SharedKeys<T> };

/** Compiles only when given `true`: `type _ = Check<NoSharedKeys<[A, B]>>`. */
export type Check<T extends true> = T;

/** `true` when A and B hold the same keys; otherwise the keys one of them lacks. */
export type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never]
  ? true
  : { keysInOneOnly: Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A> };
