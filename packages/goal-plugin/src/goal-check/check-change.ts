import { defaultCheckTimeoutMs, type GoalCheck } from "./check-state.js";

/** A check as a change gives it: a new command, or how an existing one runs. */
export interface CheckChange {
  command?: string;
  shell?: boolean;
  timeoutMs?: number;
}

/** The goal's check after a change: a new command starts its count afresh. */
export function applyCheck(current: GoalCheck | undefined, change: CheckChange): GoalCheck | undefined {
  const command = change.command ?? current?.command;
  if (command === undefined) return undefined;
  const fresh = change.command !== undefined && change.command !== current?.command;
  return {
    command,
    shell: change.shell ?? (fresh ? false : (current?.shell ?? false)),
    timeoutMs:
      change.timeoutMs ?? (fresh ? defaultCheckTimeoutMs : (current?.timeoutMs ?? defaultCheckTimeoutMs)),
    runs: fresh ? 0 : (current?.runs ?? 0),
    failures: fresh ? 0 : (current?.failures ?? 0),
    ...(!fresh && current?.last ? { last: current.last } : {}),
  };
}
