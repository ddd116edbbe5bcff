import { formatIssues } from "../../format-issues.js";
import type { SessionContext } from "../../session-context.js";
import type { RegisteredTool } from "../plugins/plugin-registry.js";
import type { ReadToolCall } from "./tool-input.js";
import type { TurnHost } from "./turn-host.js";

/** A tool call's result as the model will see it. */
export interface ToolCallResult {
  content: string;
  isError: boolean;
}

/**
 * Runs one model tool call, read by `readToolCall`: look up the tool among those offered this turn, refuse
 * an input that could not be read, strictly validate it, call the tool with a fresh context. Every failure
 * becomes an error result; nothing here throws.
 */
export async function executeToolCall(
  host: TurnHost,
  { call, problem }: ReadToolCall,
  tools: ReadonlyMap<string, RegisteredTool>,
  mintContext: (pluginId: string) => SessionContext,
): Promise<ToolCallResult> {
  const tool = typeof call.name === "string" ? tools.get(call.name) : undefined;
  if (!tool) {
    const available = [...tools.keys()].join(", ") || "none";
    return failure(`Unknown tool "${String(call.name).slice(0, 80)}". Available tools: ${available}.`);
  }
  if (problem) return failure(`Invalid input for ${tool.definition.name}: ${problem}.`);
  const parsed = tool.schema.safeParse(call.input);
  if (!parsed.success) {
    return failure(`Invalid input for ${tool.definition.name}: ${formatIssues(parsed.error)}.`);
  }
  try {
    const output = await tool.definition.execute(parsed.data, mintContext(tool.pluginId));
    const content = typeof output === "string" ? output : JSON.stringify(output);
    return { content: bound(content ?? "", host.limits.maxToolOutputChars), isError: false };
  } catch (error) {
    return failure(
      `Tool ${tool.definition.name} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function failure(content: string): ToolCallResult {
  return { content, isError: true };
}

function bound(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [cut at ${max} characters]`;
}
