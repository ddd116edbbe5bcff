import { applyWritesFunction } from "./postgres-apply-writes.js";

/** An op that names (`"d"`) a write before it that did not apply answers GLF03 and does not run. */
const dependencyCheck = `
          IF op ? 'd' AND NOT op_applied(p_ops, outcomes, (op->>'d')::INTEGER) THEN
            outcomes := array_append(outcomes, jsonb_build_object('error',
              'not written: the write it depended on did not apply', 'code', 'GLF03'));
            CONTINUE;
          END IF;`;

/**
 * Schema version 6: a write that depends on an earlier one in its batch. An op may name (`"d"`, its index
 * in the batch) a `write_state` or `claim_lease` of the same session before it: it runs only if that one
 * wrote or claimed, and otherwise answers GLF03 without running. So a write and the write that must follow
 * only from it (a turn's input after its claim, a lease after the state it is conditional on) share one
 * round trip, and the second never lands without the first. `apply_writes` is version 4's with that check
 * (`postgres-apply-writes.ts`).
 */
export const afterMigration: { version: number; sql: string } = {
  version: 6,
  sql: `
      -- Whether the op at p_index of the batch applied, from its outcome: a state written, a lease claimed,
      -- any other write without an error.
      CREATE FUNCTION op_applied(p_ops JSONB, p_outcomes JSONB[], p_index INTEGER) RETURNS BOOLEAN
      LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE
          WHEN NOT (p_outcomes[p_index + 1] ? 'rows') THEN false
          WHEN p_ops->p_index->>'f' = 'write_state'
            THEN p_outcomes[p_index + 1]->'rows'->0->>'written' IS NOT NULL
          WHEN p_ops->p_index->>'f' = 'claim_lease'
            THEN jsonb_array_length(p_outcomes[p_index + 1]->'rows') > 0
          ELSE true
        END
      $$;

      ${applyWritesFunction("CREATE OR REPLACE", dependencyCheck)}
    `,
};
