import { z } from "zod";
import { formatIssues } from "../../format-issues.js";
import type { ControlResult } from "../../plugin.js";
import type { Sender } from "../../session-context.js";
import { mintContext } from "../plugins/plugin-hooks.js";
import type { PluginHost } from "../plugins/plugin-host.js";
import type { SessionState } from "../sessions/session-state.js";

/** A change for a plugin of the session, as data: which plugin, which of its controls, and the input. */
export interface ControlRequest {
  pluginId: string;
  /** The control's name, e.g. the goal plugin's `pause`. */
  verb: string;
  /** SECURITY: from another process or a person; checked against the control's schema before it runs. */
  input: unknown;
}

const maxReplyChars = 16_000;

/**
 * Runs a plugin's control in `session` for `sender`: the plugin loaded, the control known, the input as its
 * schema says. Never throws: whatever stops it is a reply that says so, not applied.
 */
export async function runControl(
  host: PluginHost,
  session: SessionState,
  request: ControlRequest,
  sender: Sender,
): Promise<ControlResult> {
  const { pluginId, verb } = request;
  const registered = host.registry.isLoaded(pluginId) ? host.registry.control(pluginId, verb) : undefined;
  if (!registered) {
    return refused(
      host.registry.isLoaded(pluginId)
        ? `Plugin "${pluginId}" has no control "${verb}" in the process that runs this session.`
        : `No plugin "${pluginId}" is loaded in the process that runs this session.`,
    );
  }
  const checked = z.safeParse(registered.definition.input, request.input);
  if (!checked.success) return refused(`Not applied: ${verb} ${formatIssues(checked.error)}.`);
  try {
    const context = mintContext(host, session, pluginId, { origin: "command", sender });
    const result = await registered.definition.execute(checked.data, context);
    return { applied: result?.applied === true, reply: String(result?.reply ?? "").slice(0, maxReplyChars) };
  } catch (error) {
    return refused(`${verb} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function refused(reply: string): ControlResult {
  return { applied: false, reply };
}
