import { z } from "zod";
import type { Host, PluginApi, PluginDefinition, SessionContext, TurnEndEvent } from "../src/index.js";
import { defineControl, definePlugin, defineTool } from "../src/index.js";

/** A plugin for tests: it exposes its API and every context and turn-end event it receives. */
export interface Probe {
  plugin: PluginDefinition;
  api(): PluginApi;
  contexts: SessionContext[];
  turnEnds: { event: TurnEndEvent; context: SessionContext }[];
  lastContext(): SessionContext;
}

/** Builds a probe plugin: `/lease KEY [DELAY] MESSAGE`, `/unlease KEY`, and a `probe_continue` tool. */
export function createProbe(id = "probe"): Probe {
  let captured: PluginApi | undefined;
  const probe: Probe = {
    contexts: [],
    turnEnds: [],
    api() {
      if (!captured) throw new Error("the probe plugin is not loaded");
      return captured;
    },
    lastContext() {
      const context = probe.contexts.at(-1);
      if (!context) throw new Error("the probe has seen no context yet");
      return context;
    },
    plugin: definePlugin({
      id,
      register(api) {
        captured = api;
        api.registerCommand({
          name: `${id}-lease`,
          description: "Request a lease: KEY [DELAY_MS] MESSAGE",
          async execute(args, context) {
            probe.contexts.push(context);
            const [leaseKey = "", maybeDelay = "", ...rest] = args.split(" ");
            const delayMs = /^\d+$/.test(maybeDelay) ? Number(maybeDelay) : 0;
            const message = (delayMs || maybeDelay === "0" ? rest : [maybeDelay, ...rest]).join(" ");
            const result = await api.session.workflow.requestSessionContinuationLease({
              session: context,
              leaseKey,
              message,
              delayMs,
            });
            return JSON.stringify(result);
          },
        });
        api.registerCommand({
          name: `${id}-unlease`,
          description: "Clear a lease: KEY",
          async execute(args, context) {
            probe.contexts.push(context);
            return JSON.stringify(
              await api.session.workflow.clearSessionContinuationLease({ session: context, leaseKey: args }),
            );
          },
        });
        api.registerCommand({
          name: `${id}-context`,
          description: "Capture a context and do nothing else",
          access: "anyone",
          execute(_args, context) {
            probe.contexts.push(context);
            return "captured";
          },
        });
        // The same two as controls: what another process sends as data.
        api.registerControl(
          defineControl({
            name: "unlease",
            description: "Clear a lease",
            input: z.strictObject({ leaseKey: z.string().max(80) }),
            async execute({ leaseKey }, context) {
              probe.contexts.push(context);
              const result = await api.session.workflow.clearSessionContinuationLease({
                session: context,
                leaseKey,
              });
              return { applied: result.status === "cleared", reply: JSON.stringify(result) };
            },
          }),
        );
        api.registerControl(
          defineControl({
            name: "context",
            description: "Capture a context and do nothing else",
            input: z.strictObject({}),
            execute(_input, context) {
              probe.contexts.push(context);
              return { applied: true, reply: "captured" };
            },
          }),
        );
        api.registerTool(
          defineTool({
            name: `${id}_continue`,
            description: "Ask for one more turn in this session.",
            input: z.object({ leaseKey: z.string().max(80), message: z.string().max(500) }),
            async execute(input, context) {
              probe.contexts.push(context);
              return api.session.workflow.requestSessionContinuationLease({ session: context, ...input });
            },
          }),
        );
        api.on("turn-end", (event, context) => {
          probe.contexts.push(context);
          probe.turnEnds.push({ event, context });
        });
      },
    }),
  };
  return probe;
}

/** Runs the probe's `/…-context` command in `sessionKey` and returns the context it received. */
export async function contextFor(
  host: Host,
  probe: Probe,
  sessionKey: string,
  id = "probe",
): Promise<SessionContext> {
  await host.send({ sessionKey, text: `/${id}-context`, sender: owner });
  return probe.lastContext();
}

/** The owner of a test session. */
export const owner = Object.freeze({ id: "owner", isOwner: true });
