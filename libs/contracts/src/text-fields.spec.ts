/**
 * Every string a client can send, found by walking the schemas rather than listed by hand
 * (schema-text-fields.ts): each client event's payload (socket.ts) and each HTTP body of the gateway. None may let a control
 * character through (PostgreSQL refuses NUL; jsonb refuses lone surrogates), and a refusal names
 * the field. A new event or field is covered the day it is added.
 */
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { RosterCsv, RosterImportOptions } from './directory/roster-import.js';
import { DomainError, ErrorCode } from './error-codes.js';
import { schemaTextFields, valueAt } from './schema-text-fields.js';
import { PasskeySignInRequest, RefreshRequest, SignInRequest, SignOutBody, SsoCallbackRequest, SsoExchangeRequest } from './sign-in/rpc.js';
import { ClientPayloads, type ClientEvent } from './socket.js';
import { parseOrThrow } from './validation.js';

const Refused = [
  ['NUL', '\u0000'],
  ['SOH', '\u0001'],
  ['ESC', '\u001B'],
  ['DEL', '\u007F'],
  ['NEL (C1)', '\u0085'],
  ['APC (C1)', '\u009F'],
  ['a lone surrogate', '\uD800'],
] as const;

/**
 * Fields that take any character but NUL: a password is never judged by today's rules, and a
 * roster file is judged cell by cell (a control character in a cell is a line error, BAD_TEXT).
 */
const NulOnly: Record<string, string[]> = {
  'user:create': ['password'],
  'user:update': ['password'],
  'roster:import': ['csv'],
  'POST /api/auth/sign-in': ['password'],
  'POST /api/courses/import (body)': ['body'],
};
/** Fields a person types over several lines: tabs and line breaks are kept there, refused elsewhere. */
const MultiLine: Record<string, string[]> = { 'attendance:mark': ['reason'] };
/** What the browser's WebAuthn API puts there; the server reads none of it and stores none of it. */
const Opaque = ['response.clientExtensionResults.*', 'assertion.clientExtensionResults.*'];

/** The HTTP bodies the gateway parses, with the schema it parses each with. */
const HttpBodies: Record<string, z.ZodType> = {
  'POST /api/auth/sign-in': SignInRequest,
  'POST /api/auth/refresh': RefreshRequest,
  'POST /api/auth/sign-out': SignOutBody,
  'POST /api/auth/passkey/verify': PasskeySignInRequest,
  'POST /api/auth/sso/exchange': SsoExchangeRequest,
  'POST /api/courses/import (query)': RosterImportOptions,
  // The file is the whole body; the gateway names it `body` in a refusal (roster-import.controller.ts).
  'POST /api/courses/import (body)': z.object({ body: RosterCsv }),
};

const Entries: [string, z.ZodType][] = [...Object.entries(ClientPayloads as Record<ClientEvent, z.ZodType>), ...Object.entries(HttpBodies)];
const Fields = Entries.flatMap(([name, schema]) => {
  const { strings } = schemaTextFields(schema);
  return strings.map((path) => ({ name, schema, path, field: path.join('.') }));
});

function issuesAt(schema: z.ZodType, value: unknown, field: string): string[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.filter((i) => i.path.join('.') === field).map((i) => i.message);
}

describe('every text field a client sends', () => {
  it('is found by the walk: every client event and HTTP body, and the fields people type among them', () => {
    const byName = new Map<string, string[]>();
    for (const f of Fields) byName.set(f.name, [...(byName.get(f.name) ?? []), f.field]);
    // A sample of what the walk must find (it finds every string, ids and tokens included).
    expect(byName.get('attendance:mark')).toEqual(expect.arrayContaining(['reason']));
    expect(byName.get('user:list')).toEqual(expect.arrayContaining(['query']));
    expect(byName.get('audit:list')).toEqual(expect.arrayContaining(['action', 'targetId']));
    expect(byName.get('user:create')).toEqual(expect.arrayContaining(['email', 'name', 'password']));
    expect(byName.get('course:create')).toEqual(expect.arrayContaining(['code', 'title', 'term']));
    expect(byName.get('room:update')).toEqual(expect.arrayContaining(['name', 'building']));
    expect(byName.get('passkey:register')).toEqual(expect.arrayContaining(['deviceName', 'response.response.transports.0']));
    expect(byName.get('enrollment:add')).toEqual(expect.arrayContaining(['email']));
    expect(byName.get('POST /api/auth/sign-in')).toEqual(['email', 'password']);
    expect(Fields.length).toBeGreaterThan(60);
  });

  it('takes nothing unread except what WebAuthn defines as free-form and the server ignores', () => {
    const opaque = Entries.flatMap(([, schema]) => schemaTextFields(schema).opaque);
    expect([...new Set(opaque)]).toEqual(Opaque);
  });

  describe.each(Refused)('refuses %s', (_, character) => {
    it.each(Fields.map((f) => [`${f.name} ${f.field}`, f] as const))('in %s, naming the field', (_label, f) => {
      const nulOnly = NulOnly[f.name]?.includes(f.field) ?? false;
      const messages = issuesAt(f.schema, valueAt(f.path, `text-${character}-text`), f.field);
      if (nulOnly && character !== '\u0000') {
        expect(messages).toEqual([]);
        return;
      }
      // A field with a fixed form (an id, base64url) refuses it for its form; text refuses it for the character.
      expect(messages.length).toBeGreaterThan(0);
    });
  });

  it.each(Fields.filter((f) => !(NulOnly[f.name]?.includes(f.field) ?? false)).map((f) => [`${f.name} ${f.field}`, f] as const))(
    'refuses a tab and a line break inside %s unless it is multi-line',
    (_label, f) => {
      const multiline = MultiLine[f.name]?.includes(f.field) ?? false;
      for (const character of ['\t', '\n']) {
        const messages = issuesAt(f.schema, valueAt(f.path, `text-${character}-text`), f.field);
        if (multiline) expect(messages).toEqual([]);
        else expect(messages.length).toBeGreaterThan(0);
      }
    },
  );
});

describe('the sentences people read', () => {
  const refusal = (event: ClientEvent, payload: unknown) => {
    try {
      parseOrThrow(ClientPayloads[event], payload, `${event} payload`);
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe(ErrorCode.VALIDATION_FAILED);
      return (err as DomainError).message;
    }
    throw new Error('accepted');
  };
  const sessionId = '00000000-0000-4000-8000-000000000001';

  it('name the field and the character', () => {
    expect(refusal('attendance:mark', { sessionId, targetStudentId: sessionId, status: 'excused', reason: 'ill\u0000' })).toBe(
      'The attendance:mark payload is not valid: reason must not contain control characters.',
    );
    expect(refusal('user:list', { query: 'ad\u0000a' })).toBe('The user:list payload is not valid: query must not contain control characters.');
    expect(refusal('audit:list', { targetId: 'x\u0000' })).toBe('The audit:list payload is not valid: targetId must not contain control characters.');
    expect(refusal('room:create', { name: 'B\u0000', latitude: 0, longitude: 0, defaultRadiusM: 50 })).toBe(
      'The room:create payload is not valid: name must not contain control characters.',
    );
    expect(refusal('course:update', { courseId: sessionId, title: 'Algebra\nII' })).toBe(
      'The course:update payload is not valid: title must be one line, without tabs or line breaks.',
    );
    expect(refusal('user:create', { email: 'a@b.cd', name: '  ', role: 'student' })).toBe('The user:create payload is not valid: name must not be empty.');
    expect(refusal('room:update', { roomId: sessionId, building: 'B'.repeat(101) })).toBe('The room:update payload is not valid: building must be at most 100 characters.');
    expect(refusal('user:create', { email: 'a@b.cd', name: 'Ada', role: 'student', password: 'secret-pw\u0000' })).toBe(
      'The user:create payload is not valid: password must not contain the NUL character (U+0000).',
    );
  });

  it('composes what they type to NFC, so a search finds the name however it was typed', () => {
    const parsed = ClientPayloads['user:list'].parse({ query: ' Le\u0301a ' });
    expect(parsed.query).toBe('Léa');
    const mark = ClientPayloads['attendance:mark'].parse({ sessionId, targetStudentId: sessionId, status: 'excused', reason: 'Me\u0301decin\n(certificat)' });
    expect(mark.reason).toBe('Médecin\n(certificat)');
  });
});

describe('the single sign-on callback', () => {
  it('refuses parameters that decode to control characters (the state is looked up in the database)', () => {
    expect(SsoCallbackRequest.safeParse({ query: 'state=abc&code=def' }).success).toBe(true);
    expect(SsoCallbackRequest.safeParse({ query: 'state=abc%00&code=def' }).error?.issues[0]).toMatchObject({
      path: ['query'],
      message: 'must not contain control characters once decoded',
    });
    expect(SsoCallbackRequest.safeParse({ query: 'error=x&error_description=%C2%85' }).success).toBe(false);
  });
});
