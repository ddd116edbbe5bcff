import { defineCommand, definePlugin, type SessionContext } from "@goal-lease/sdk";

const stateKey = "countdown";
const maxTurns = 20;
const usage = `Usage: /countdown <1-${maxTurns}> runs that many continuation turns; /countdown stop ends it.`;

// A type alias rather than an interface, so a countdown is assignable to the JsonValue that state stores.
type Countdown = { run: number; total: number; left: number };

// One lease key per run: a turn or a late request of a stopped run can never count for, or clear, the next.
const leaseKeyOf = (run: number) => `countdown.${run}`;

/** `/countdown N` continues the invoking session N times (1-20); `/countdown stop` ends it early. */
export const countdownPlugin = definePlugin({
  id: "countdown",
  register(api) {
    const { workflow } = api.session;
    // State is scoped to this plugin and the context's session, and only this plugin writes it: our shape.
    const read = async (context: SessionContext) =>
      (await api.state.get(context, stateKey))?.value as Countdown | undefined;

    // A command can run while a turn-end hook of the same session is mid-way, so every change is a
    // compare-and-set that re-reads and retries rather than overwriting the other write.
    async function update<Next extends Countdown | undefined>(
      context: SessionContext,
      change: (current: Countdown | undefined) => Next,
    ): Promise<Next> {
      for (let attempt = 0; attempt < 5; attempt++) {
        const entry = await api.state.get(context, stateKey);
        const next = change(entry?.value as Countdown | undefined);
        if (next === undefined) return next;
        const version = entry?.version ?? 0;
        const written = await api.state.set(context, stateKey, next, { expectedVersion: version });
        if (written.status === "written") return next;
      }
      throw new Error("the countdown kept changing; try again.");
    }

    // State first, then the lease: once the state says stopped, no hook schedules this run again.
    async function stop(context: SessionContext, run: number): Promise<void> {
      await update(context, (current) =>
        current?.run === run && current.left > 0 ? { ...current, left: 0 } : undefined,
      );
      // Idempotent: a lease that already ran or was never granted is simply not found.
      await workflow.clearSessionContinuationLease({ session: context, leaseKey: leaseKeyOf(run) });
    }

    // Asks for the turn `countdown` says is next; returns the host's one-line reason if it refuses.
    async function schedule(context: SessionContext, { run, total, left }: Countdown) {
      // The session is the context the host minted for this command or hook: the API has no other way to
      // name one, so neither this plugin nor anything the model writes can send the turn elsewhere.
      const result = await workflow.requestSessionContinuationLease({
        session: context,
        leaseKey: leaseKeyOf(run),
        message: `Countdown turn ${total - left + 1} of ${total}: ${left - 1} left after this one.`,
      });
      // Re-read after asking: a stop that landed between our state write and this request found no lease
      // to clear, so clear it now. A refusal ends the run too.
      const latest = await read(context);
      if (result.status === "rejected" || latest?.run !== run || latest.left === 0) await stop(context, run);
      return result.status === "rejected" ? result.message : undefined;
    }

    api.registerCommand(
      defineCommand({
        name: "countdown",
        description: `Continue this session 1-${maxTurns} more times, or stop.`,
        // Left to the default, owner-only access: every continuation is a model call somebody pays for.
        async execute(args, context) {
          const current = await read(context);
          if (args === "stop") {
            if (!current || current.left === 0) return "No countdown is running.";
            await stop(context, current.run);
            return "Countdown stopped.";
          }
          // `args` is user text: only the numbers 1-20 written as digits pass.
          const total = /^\d{1,2}$/.test(args) ? Number(args) : 0;
          if (total < 1 || total > maxTurns) return usage;
          // A new countdown replaces a running one.
          if (current && current.left > 0) await stop(context, current.run);
          const next = await update(context, (last) => ({ run: (last?.run ?? 0) + 1, total, left: total }));
          const refused = await schedule(context, next);
          return refused ? `Countdown not started: ${refused}` : `Counting down ${total} continuation turns.`;
        },
      }),
    );

    api.on("turn-end", async (event, context) => {
      // The host sets `leaseKey` only on this plugin's own continuations; user turns never count.
      if (event.leaseKey === undefined) return;
      const next = await update(context, (current) =>
        current && current.left > 0 && leaseKeyOf(current.run) === event.leaseKey
          ? { ...current, left: current.left - 1 }
          : undefined,
      );
      // Stopped or replaced while this turn ran: whoever did that also cleared what was pending.
      if (!next) return;
      if (next.left > 0) await schedule(context, next);
      else await stop(context, next.run);
    });

    // A continuation cut off by a crash is never replayed; end the run rather than leave it looking live.
    api.on("lease-interrupted", async (event, context) => {
      const current = await read(context);
      if (current && leaseKeyOf(current.run) === event.leaseKey) await stop(context, current.run);
    });
  },
});
