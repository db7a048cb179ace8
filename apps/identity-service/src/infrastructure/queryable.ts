import type { EntityManager } from 'typeorm';

/**
 * What a repository runs its SQL on: the service's DataSource, or the EntityManager of a
 * transaction (see infrastructure/directory-transactions.ts), so the same queries serve both.
 */
export type Queryable = Pick<EntityManager, 'query' | 'transaction'>;

/** TypeORM answers an UPDATE or DELETE on Postgres with [rows, count]; anything else with the rows. */
export function updatedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
