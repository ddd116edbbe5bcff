import { z } from "zod";

/** The fields of a Claude Code or Codex hook's stdin this adapter reads; they send more, which are ignored. */
export const hookEventSchema = z.object({
  hook_event_name: z.string().max(64),
  session_id: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,100}$/, "must be a Claude Code session id or a Codex thread id"),
  transcript_path: z.string().max(4_096).optional(),
  /** The agent's working folder: where the person's check runs. */
  cwd: z.string().max(4_096).optional(),
  prompt: z.string().max(200_000).optional(),
  tool_name: z.string().max(256).optional(),
  tool_use_id: z.string().max(256).optional(),
  last_assistant_message: z.string().optional(),
  /** StopFailure (Claude Code): what went wrong (`rate_limit`, `server_error`, ...) and the agent's words. */
  error: z.string().max(64).optional(),
  error_details: z.string().max(20_000).optional(),
  /** Set by `goal-lease hook wake`: the background Stop hook that waits to wake its idle session. */
  goal_lease_role: z.enum(["wake"]).optional(),
});

export type HookEvent = z.infer<typeof hookEventSchema>;
