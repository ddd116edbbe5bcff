import type { ModelMessage } from "../../model.js";
import { callHooks, type Invocation, mintContext } from "../plugins/plugin-hooks.js";
import type { RegisteredTool } from "../plugins/plugin-registry.js";
import type { SessionState } from "../sessions/session-state.js";
import { readWindow } from "./transcript-window.js";
import type { TurnHost } from "./turn-host.js";

/** The plugins' context lines for a turn: one bounded line per plugin that contributes one. */
export async function contextLines(
  host: TurnHost,
  session: SessionState,
  invocation: Omit<Invocation, "origin">,
): Promise<string[]> {
  const lines = await callHooks(
    host,
    session,
    "prompt-context",
    (handler, context) => handler(context),
    invocation,
  );
  return lines
    .filter((line): line is string => typeof line === "string" && line.trim() !== "")
    .map((line) => line.replace(/\s+/g, " ").trim().slice(0, host.limits.maxContextLineChars));
}

/**
 * The system text (host prompt plus the plugins' context lines) and the transcript window, cut so it never
 * opens on a tool result whose call fell outside it.
 */
export async function buildPrompt(
  host: TurnHost,
  session: SessionState,
  invocation: Omit<Invocation, "origin">,
): Promise<{ system: string; history: ModelMessage[] }> {
  const system = [host.systemPrompt, ...(await contextLines(host, session, invocation))].join("\n");
  const entries = await readWindow(host, session, invocation.fence, host.limits.transcriptWindow);
  const start = entries.findIndex((entry) => entry.message.role === "user");
  const history = start === -1 ? [] : entries.slice(start).map((entry) => entry.message);
  return { system, history };
}

/** The tools the model is offered in this session this turn, by name. */
export async function offeredTools(
  host: TurnHost,
  session: SessionState,
  invocation: Omit<Invocation, "origin">,
): Promise<Map<string, RegisteredTool>> {
  const offered = new Map<string, RegisteredTool>();
  for (const tool of host.registry.tools()) {
    const { isAvailable } = tool.definition;
    if (isAvailable) {
      try {
        const context = mintContext(host, session, tool.pluginId, { ...invocation, origin: "tool" });
        if (!(await isAvailable.call(tool.definition, context))) continue;
      } catch (error) {
        host.events.emit("plugin-error", {
          pluginId: tool.pluginId,
          hook: `isAvailable(${tool.definition.name})`,
          message: error instanceof Error ? error.message : String(error),
        });
        continue;
      }
    }
    offered.set(tool.definition.name, tool);
  }
  return offered;
}
