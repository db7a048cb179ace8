/**
 * The maps the transports use are joined from the contexts' slices (rpc.ts, socket.ts, events.ts,
 * error-codes.ts). The compiler refuses a name two slices both declare and a subject or event two
 * names share (slice-maps.ts); these check the maps as built at run time: no two names carry the
 * same subject, event or code, which would send two commands (or two events) down one wire.
 */
import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from './error-codes.js';
import { EventSchemas, EventSubjects } from './events.js';
import { Rpc, RpcRequestSchemas } from './rpc.js';
import { ClientEvents, ClientPayloads, ServerEvents } from './socket.js';

function repeated(values: string[]): string[] {
  return values.filter((value, i) => values.indexOf(value) !== i);
}

describe('the joined maps', () => {
  it.each([
    ['Rpc', Rpc],
    ['ClientEvents', ClientEvents],
    ['ServerEvents', ServerEvents],
    ['EventSubjects', EventSubjects],
    ['ErrorCode', ErrorCode],
  ] as const)('%s gives each name its own value', (_, map) => {
    expect(repeated(Object.values(map))).toEqual([]);
  });

  it('give every subject and client event its schema, and nothing else one', () => {
    expect(Object.keys(RpcRequestSchemas).sort()).toEqual(Object.values(Rpc).sort());
    expect(Object.keys(ClientPayloads).sort()).toEqual(Object.values(ClientEvents).sort());
    expect(Object.keys(EventSchemas).sort()).toEqual(Object.values(EventSubjects).sort());
  });

  it('name each error code by its value', () => {
    for (const [name, code] of Object.entries(ErrorCode)) expect(code).toBe(name);
  });
});
