import type { Sender } from "../../session-context.js";
import { mintContext } from "../plugins/plugin-hooks.js";
import type { PluginHost } from "../plugins/plugin-host.js";
import type { CommandResult } from "../sessions/session-api.js";
import type { SessionState } from "../sessions/session-state.js";

const commandPattern = /^\/([A-Za-z][A-Za-z0-9_-]{0,31})(?:\s+([\s\S]*))?$/;
const maxReplyChars = 16_000;

/** Splits `/name args` into its parts; text that is not shaped like a command returns undefined. */
export function parseCommand(text: string): { name: string; args: string } | undefined {
  const match = commandPattern.exec(text.trim());
  if (!match?.[1]) return undefined;
  return { name: match[1].toLowerCase(), args: (match[2] ?? "").trim() };
}

/** Runs a parsed command for `sender`, enforcing the command's access rule. Never throws. */
export async function runCommand(
  host: PluginHost,
  session: SessionState,
  command: { name: string; args: string },
  sender: Sender,
): Promise<CommandResult> {
  const result = await dispatch(host, session, command, sender);
  host.events.emit("command-run", {
    sessionKey: session.record.sessionKey,
    name: command.name,
    pluginId: host.registry.command(command.name)?.pluginId,
    status: result.status,
    message: result.status === "ok" ? undefined : result.reply,
  });
  return result;
}

async function dispatch(
  host: PluginHost,
  session: SessionState,
  { name, args }: { name: string; args: string },
  sender: Sender,
): Promise<CommandResult> {
  const registered = host.registry.command(name);
  if (!registered) {
    const available = host.registry.commandNames().map((known) => `/${known}`);
    const hint = available.length > 0 ? `Available: ${available.join(", ")}.` : "No commands are loaded.";
    return { status: "unknown", name, reply: `Unknown command /${name}. ${hint}` };
  }
  if ((registered.definition.access ?? "owner") === "owner" && !sender.isOwner) {
    return { status: "denied", name, reply: `Only the session owner can run /${name}.` };
  }
  try {
    const context = mintContext(host, session, registered.pluginId, { origin: "command", sender });
    const reply = await registered.definition.execute(args, context);
    return { status: "ok", name, reply: String(reply).slice(0, maxReplyChars) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: "error", name, reply: `/${name} failed: ${message}` };
  }
}
