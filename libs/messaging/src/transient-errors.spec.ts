import { describe, expect, it } from '@jest/globals';
import { DomainError, ErrorCode } from '@classconnect/contracts';
import { isTransientError } from './transient-errors.js';
import { retryDelay } from './durable-consumer.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isTransientError', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a refused connection inside an AggregateError (pg on IPv4 and IPv6)', new AggregateError([withCode('x', 'ECONNREFUSED')], '')],
    ['TypeORM wrapping a terminated connection', Object.assign(new Error('Query failed'), { driverError: new Error('Connection terminated unexpectedly') })],
    ['Postgres shutting down (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['Postgres starting up (57P03)', withCode('the database system is starting up', '57P03')],
    ['a connection exception (08006)', withCode('connection failure', '08006')],
    ['a serialization failure to run again (40001)', withCode('could not serialize access', '40001')],
    ['ioredis giving up on a command', Object.assign(new Error('Reached the max retries per request limit (which is 20).'), { name: 'MaxRetriesPerRequestError' })],
    ['ioredis with its connection closed', new Error('Connection is closed.')],
    ['another service answering SERVICE_UNAVAILABLE', new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'not now')],
    ['a cause chain', new Error('outer', { cause: withCode('inner', 'ETIMEDOUT') })],
  ])('says yes for %s', (_what, err) => {
    expect(isTransientError(err)).toBe(true);
  });

  it.each([
    ['a value Postgres refuses (22P05)', withCode('unsupported Unicode escape sequence', '22P05')],
    ['a unique violation (23505)', withCode('duplicate key value violates unique constraint', '23505')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a domain refusal', new DomainError(ErrorCode.NOT_ENROLLED, 'not enrolled')],
    ['nothing at all', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('says no for %s', (_what, err) => {
    expect(isTransientError(err)).toBe(false);
  });
});

describe('retryDelay', () => {
  it('doubles from 250 ms and never waits more than 2 s, so work resumes soon after an outage', () => {
    expect([1, 2, 3, 4, 5, 50].map(retryDelay)).toEqual([250, 500, 1_000, 2_000, 2_000, 2_000]);
  });
});
