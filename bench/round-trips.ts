// Counts round trips to PostgreSQL in this process: every statement `pg` sends (a pool's query is one
// client query) is one request and one answer. Imported before the store opens its pool.
import pg from "pg";

let count = 0;
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as { query: (...args: unknown[]) => unknown }).query = function counted(
  this: unknown,
  ...args: unknown[]
) {
  count++;
  return query.apply(this, args);
};

/** Statements sent so far by this process. */
export function roundTrips(): number {
  return count;
}
