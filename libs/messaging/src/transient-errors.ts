import { NoRespondersError, TimeoutError } from '@nats-io/transport-node';
import { DomainError, ErrorCode } from '@classconnect/contracts';

/**
 * Network errors of a dependency that is down or restarting: retrying later is the cure, and a
 * caller is told SERVICE_UNAVAILABLE (back off and retry) rather than INTERNAL.
 */
const NetworkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);

/**
 * PostgreSQL SQLSTATEs that mean "the database cannot serve right now", not "this statement is
 * wrong": connection exceptions (class 08), shutdowns and start-up (57P01–57P03), too many
 * connections (53300), and the two that ask for the transaction to be run again (40001, 40P01).
 */
const PostgresTransient = /^(08...|57P0[123]|53300|40001|40P01)$/;

/** What pg, ioredis and the NATS client say when their connection is gone or not there yet. */
const TransientMessages =
  /Connection terminated|Connection is closed|timeout exceeded when trying to connect|Client has encountered a connection error|Reached the max retries per request limit|Stream isn't writeable|the database system is (starting up|shutting down|in recovery mode)|Connection refused|connect ECONNREFUSED|socket hang up/i;

/**
 * True when an error means a dependency (Postgres, Redis, NATS) is unreachable or restarting: a
 * consumer retries such a message without counting it as a failure, and a caller gets
 * SERVICE_UNAVAILABLE. Looks through wrappers (TypeORM's driverError, `cause`, AggregateError).
 */
/**
 * Which dependency a transient error came from, for the cc_dependency_errors_total metric: Postgres
 * by its SQLSTATE or driver error, Redis by ioredis's names, NATS by its client's; undefined when it
 * cannot be told (a bare network code).
 */
export function dependencyOf(err: unknown, depth = 0): 'postgres' | 'redis' | 'nats' | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined;
  if (err instanceof NoRespondersError || err instanceof TimeoutError) return 'nats';
  if (err instanceof DomainError) return undefined;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; driverError?: unknown };
  if (e.driverError || (typeof e.code === 'string' && PostgresTransient.test(e.code))) return 'postgres';
  if (typeof e.message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is/i.test(e.message)) return 'postgres';
  if (typeof e.name === 'string' && /MaxRetriesPerRequest/.test(e.name)) return 'redis';
  if (typeof e.message === 'string' && /Reached the max retries per request limit|Stream isn't writeable|Connection is closed/i.test(e.message)) return 'redis';
  if (typeof e.name === 'string' && /NoResponders|ClosedConnection|Draining/.test(e.name)) return 'nats';
  return dependencyOf(e.cause, depth + 1);
}

export function isTransientError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  if (err instanceof NoRespondersError || err instanceof TimeoutError) return true;
  // Another of our services answered (or nobody did) that it cannot serve right now.
  if (err instanceof DomainError) return err.code === ErrorCode.SERVICE_UNAVAILABLE;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; driverError?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (NetworkCodes.has(e.code) || PostgresTransient.test(e.code))) return true;
  if (typeof e.name === 'string' && /MaxRetriesPerRequest|NoResponders|ClosedConnection|Draining/.test(e.name)) return true;
  if (typeof e.message === 'string' && TransientMessages.test(e.message)) return true;
  const nested = [e.cause, e.driverError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return nested.some((inner) => isTransientError(inner, depth + 1));
}
