// A three-turn goal in Codex's interactive terminal, goal-lease's against Codex's built-in goal, on the same
// scripted model in the same run: model requests, request bytes, and the time from a turn's last answer to
// the next turn's first request. Printed as figures, never asserted (the machine is shared).
import { type CodexHome, codexHome } from "./codex-home.ts";
import { type RecordedRequest, type Reply, startResponsesMock } from "./responses-mock.ts";
import { sleep, type Terminal } from "./terminal.ts";

export interface ThreeTurns {
  /** Model requests of the goal (a thread title's is not one), and their bytes. */
  requests: number;
  kb: number;
  /** Median ms from the answer that ended a turn to the next turn's first request. */
  gapMs: number;
  /** Whether the goal ended done (goal-lease) or complete (the built-in) after its three turns. */
  finished: boolean;
}

type Kind = "goal-lease" | "built-in";

/** Runs one three-turn goal of `kind` in Codex's terminal; the model writes a note a turn, then closes it. */
export async function threeTurnsInTerminal(
  codex: string,
  options: { clone: string; storePath: string },
  kind: Kind,
): Promise<ThreeTurns> {
  const turnStarts: RecordedRequest[] = [];
  let closed = false;
  const model = await startResponsesMock((request): Reply => {
    const input = request.body.input ?? [];
    // Codex's terminal also asks, with no tools, for a title for the thread.
    if (!request.body.tools?.length) return { text: "Three release notes" };
    if (input.at(-1)?.type === "function_call_output") {
      // The built-in's first turn creates its goal, then writes the first note.
      const created = kind === "built-in" && turnStarts.length === 1 && !closed;
      return { text: created ? "Wrote note 1." : "Done." };
    }
    turnStarts.push(request);
    const turn = turnStarts.length;
    if (kind === "built-in" && turn === 1) {
      return { call: { name: "create_goal", arguments: { objective: "write three release notes" } } };
    }
    if (turn < 3) return { text: `Wrote note ${turn}.` };
    closed = true;
    return kind === "built-in"
      ? { call: { name: "update_goal", arguments: { status: "complete" } } }
      : {
          call: {
            namespace: "mcp__goal",
            name: "goal_status",
            arguments: { status: "done", note: "3 notes" },
          },
        };
  });
  let home: CodexHome | undefined;
  let terminal: Terminal | undefined;
  try {
    home = codexHome(codex, options, model.baseUrl, kind === "goal-lease");
    terminal = home.openTerminal();
    await terminal.until(/Ask Codex to do anything/, 30_000);
    await sleep(1_000);
    await terminal.type(
      kind === "goal-lease"
        ? "$goal-lease start write three release notes --max-turns 5"
        : "Set a goal: write three release notes.",
    );
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
      const last = model.requests.at(-1);
      // Settled: the goal was closed and nothing was asked for a second.
      if (closed && last?.answeredAt !== undefined && Date.now() - last.answeredAt > 1_000) break;
    }
    const goalRequests = model.requests.filter((request) => request.body.tools?.length);
    const gaps = turnStarts.slice(1).flatMap((start) => {
      const before = goalRequests[goalRequests.indexOf(start) - 1]?.answeredAt;
      return before === undefined ? [] : [start.receivedAt - before];
    });
    return {
      requests: goalRequests.length,
      kb: Math.round(goalRequests.reduce((sum, request) => sum + request.bytes, 0) / 1024),
      gapMs: [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? 0,
      finished: closed && turnStarts.length === 3,
    };
  } finally {
    terminal?.close();
    await model.close();
    home?.remove();
  }
}
