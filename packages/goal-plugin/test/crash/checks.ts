// The invariants of a crash run, checked on what the store kept and what every process journaled.
import type { HostStore } from "@goal-lease/sdk";
import { readStoredGoal, readStoredGoalEvents } from "../../dist/index.js";
import type { JournalLine } from "./journal.ts";

/** A user's answered command, as the session's owner answered it (its answer time, its reply). */
interface Answered {
  sessionKey: string;
  at: number;
  reply: string;
}

const stops = /^Goal (paused|cleared|marked done)/;

export async function checkRun(
  store: HostStore,
  journal: readonly JournalLine[],
  sessionKeys: string[],
  commandIds: readonly string[],
) {
  const counts = {
    goals: 0,
    lost: 0,
    continuationTurns: 0,
    interruptedTurns: 0,
    /** Of those, turns that ended while the database was away, so the goal counted them afterwards. */
    storeFailedTurns: 0,
    leasesWithTwoTurns: 0,
    overCap: 0,
    overBudget: 0,
    userStops: 0,
    turnsAfterUserStop: 0,
    liveTurnsInterrupted: 0,
    stuck: 0,
  };
  const userStops = (await answers(store, commandIds)).filter((answer) => stops.test(answer.reply));
  counts.userStops = userStops.length;

  // A turn is "live" while the process that admitted it runs: only a killed process's turn may be reported,
  // or one whose end the database kept off the record (it stopped after the turn was admitted).
  const killedAt = new Map<number, number>();
  for (const line of journal) if (line.kind === "kill") killedAt.set(line.victim, line.at);
  const admitted = new Map<string, { pid: number; at: number }>();
  for (const line of journal) if (line.kind === "admitted") admitted.set(line.leaseId, line);
  const dbStops = journal.flatMap((line) => (line.kind === "db-stop" ? [line.at] : []));
  for (const line of journal) {
    if (line.kind !== "interrupted") continue;
    counts.interruptedTurns++;
    // No admission journaled: its process was killed between the claim and the journal line (a live
    // process journals it before the turn starts, and a closing one finishes its turns first).
    const starter = admitted.get(line.leaseId);
    if (starter === undefined) continue;
    if (line.reason === "store_failed") {
      counts.storeFailedTurns++;
      // The claim may commit just before the database stops and be journaled just after: a second's slack.
      if (!dbStops.some((at) => at >= starter.at - 1_000 && at <= line.at)) counts.liveTurnsInterrupted++;
      continue;
    }
    const death = killedAt.get(starter.pid);
    if (death === undefined || death > line.at) counts.liveTurnsInterrupted++;
  }

  for (const sessionKey of sessionKeys) {
    const goal = await readStoredGoal(store, sessionKey);
    if (!goal) {
      counts.lost++;
      continue;
    }
    counts.goals++;
    if (goal.status === "active") counts.stuck++;
    const transcript = await store.readTranscript(sessionKey, { generation: 1, limit: 1_000_000 });
    const continuations = transcript.filter(
      (entry) => entry.message.role === "user" && entry.message.origin === "continuation",
    );
    counts.continuationTurns += continuations.length;
    const perLease = new Map<string, number>();
    for (const entry of continuations)
      perLease.set(String(entry.leaseId), (perLease.get(String(entry.leaseId)) ?? 0) + 1);
    counts.leasesWithTwoTurns += [...perLease.values()].filter((count) => count > 1).length;
    if (goal.continuations > goal.limits.maxTurns) {
      counts.overCap++;
      // What the goal's own log says of its turns, to see how it went past its cap.
      const events = await readStoredGoalEvents(store, sessionKey, goal);
      const story = events.map((event) => JSON.stringify(event)).join("\n  ");
      process.stderr.write(
        `over cap: ${sessionKey} ${goal.continuations}/${goal.limits.maxTurns}, leases ${JSON.stringify(goal.countedLeaseIds)}, transcript continuations ${JSON.stringify([...perLease.keys()])}\n  ${story}\n`,
      );
    }
    if (goal.tokensUsed > goal.limits.tokenBudget) counts.overBudget++;

    // A continuation may not start after a stop was answered, unless the user said "go" again since: a
    // resume or a start, dated when it took effect (the goal's own log), no later than the turn's start.
    const goes = (await readStoredGoalEvents(store, sessionKey, goal))
      .filter(
        (event) =>
          (event.type === "status" && event.to === "active" && event.by === "user") ||
          event.type === "created",
      )
      .map((event) => event.at);
    for (const turn of continuations) {
      const stop = userStops.findLast((answer) => answer.sessionKey === sessionKey && answer.at < turn.at);
      if (stop && !goes.some((at) => at > stop.at && at <= turn.at)) counts.turnsAfterUserStop++;
    }
  }
  return counts;
}

/** Every command the user sent through the store and its owner answered, with the reply and answer time. */
async function answers(store: HostStore, commandIds: readonly string[]): Promise<Answered[]> {
  const commands = await Promise.all(commandIds.map((id) => store.getCommand(id)));
  return commands.flatMap((command) =>
    command?.answer
      ? [{ sessionKey: command.sessionKey, at: command.answer.at, reply: command.answer.reply }]
      : [],
  );
}
