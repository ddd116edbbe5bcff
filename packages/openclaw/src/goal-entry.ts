import { createGoalPlugin } from "@goal-lease/goal-plugin";
import { z } from "zod";
import { defineOpenClawEntry } from "./entry.js";

/** The command name used unless configured: OpenClaw has its own /goal, which this does not take over. */
export const defaultOpenClawCommandName = "goal-lease";

// Mirrors the configSchema of openclaw.plugin.json, which OpenClaw checks first; this keeps a hand-edited
// or older config from reaching the plugin unchecked.
const configSchema = z.strictObject({
  commandName: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/)
    .default(defaultOpenClawCommandName),
  maxTurns: z.number().int().min(1).max(1000).optional(),
  tokenBudget: z.number().int().min(1).optional(),
  timeBudgetMinutes: z.number().positive().optional(),
});

function readConfig(config: Record<string, unknown>) {
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `goal-lease: invalid plugin config at "${issue?.path.join(".") || "(root)"}": ${issue?.message}; fix plugins.entries.goal-lease.config in openclaw.json.`,
    );
  }
  return parsed.data;
}

/** The /goal plugin as an OpenClaw extension: `/goal-lease` (configurable) and the `goal_status` tool. */
export const goalLeaseEntry = defineOpenClawEntry({
  id: "goal-lease",
  name: "goal-lease",
  description: "Keep the agent working toward a goal across turns, with hard stop gates.",
  tools: ["goal_status"],
  commands: (config) => [
    {
      name: readConfig(config).commandName,
      description: "Work toward a goal across turns: start, status, pause, clear, help.",
    },
  ],
  plugins(config) {
    const { commandName, maxTurns, tokenBudget, timeBudgetMinutes } = readConfig(config);
    const defaults = {
      ...(maxTurns === undefined ? {} : { maxTurns }),
      ...(tokenBudget === undefined ? {} : { tokenBudget }),
      ...(timeBudgetMinutes === undefined ? {} : { timeBudgetMs: timeBudgetMinutes * 60_000 }),
    };
    return [createGoalPlugin({ commandName, defaults })];
  },
});
