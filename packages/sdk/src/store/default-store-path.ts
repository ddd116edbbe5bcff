import { homedir } from "node:os";
import { join } from "node:path";

/** The environment variable that overrides where the durable store lives. */
export const storePathVariable = "GOAL_LEASE_STATE";

/** `$GOAL_LEASE_STATE`, else `~/.goal-lease/state.db`. */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[storePathVariable]?.trim();
  return configured ? configured : join(homedir(), ".goal-lease", "state.db");
}
