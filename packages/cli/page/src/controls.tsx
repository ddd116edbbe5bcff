import {
  type GoalVerbInput,
  goalVerbs,
  parseCount,
  type RemoteGoalVerb,
} from "@goal-lease/goal-plugin/control";
import { useState } from "preact/hooks";
import type { Api, ControlResult, GoalSummary } from "./api.js";

/** A count as the CLI reads it ("5", "50000", "50k"); NaN for anything else. */
function readCount(text: string): number {
  try {
    return parseCount(text.trim(), "count", Number.MAX_SAFE_INTEGER);
  } catch {
    return Number.NaN;
  }
}

/** The buttons: pause, resume (with limits to raise), wake, done, clear (confirmed) and edit. */
export function Controls(props: { api: Api; goal: GoalSummary }) {
  const { api, goal } = props;
  const [result, setResult] = useState<ControlResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [turns, setTurns] = useState("");
  const [budget, setBudget] = useState("");
  const [time, setTime] = useState("");
  const [dollars, setDollars] = useState("");
  const [objective, setObjective] = useState<string | null>(null);

  const send = async <Verb extends RemoteGoalVerb>(verb: Verb, body: GoalVerbInput<Verb>) => {
    setBusy(true);
    try {
      setResult(await api.control(goal.session, verb, body));
    } catch (error) {
      setResult({ status: "refused", error: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const resume = () => {
    const body: GoalVerbInput<"resume"> = {};
    if (turns.trim()) body.maxTurns = readCount(turns);
    if (budget.trim()) body.budget = readCount(budget);
    if (time.trim()) body.time = time.trim();
    if (dollars.trim()) body.budgetUsd = Number(dollars.trim().replace(/^\$/, ""));
    const unreadable = Object.entries(body).find(([, value]) => Number.isNaN(value));
    if (unreadable) {
      const field = { budget: "+ tokens", budgetUsd: "+ dollars" }[unreadable[0]] ?? "+ turns";
      const example =
        unreadable[0] === "budgetUsd"
          ? "an amount, such as 5 or 0.50"
          : "a whole number, such as 5, 50000 or 50k";
      setResult({ status: "refused", error: `${field} takes ${example}.` });
      return;
    }
    // The same schema the server checks the change with: what it would refuse is said here, at once.
    const checked = goalVerbs.resume.input.safeParse(body);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      setResult({ status: "refused", error: `${issue?.path.join(".")}: ${issue?.message}` });
      return;
    }
    void send("resume", body);
  };
  const clear = () => {
    if (window.confirm(`Clear the goal of ${goal.session}? It cannot be resumed.`)) void send("clear", {});
  };

  return (
    <section class="controls" aria-label="controls">
      <div class="buttons">
        <button type="button" disabled={busy} onClick={() => send("pause", {})}>
          Pause
        </button>
        <button type="button" disabled={busy} onClick={() => send("wake", {})}>
          Wake
        </button>
        <button type="button" disabled={busy} onClick={() => send("done", {})}>
          Done
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => setObjective(objective === null ? goal.objective : null)}
        >
          Edit
        </button>
        <button type="button" class="danger" disabled={busy} onClick={clear}>
          Clear
        </button>
      </div>
      <form
        class="resume"
        onSubmit={(event) => {
          event.preventDefault();
          resume();
        }}
      >
        <label>
          + turns
          <input
            name="maxTurns"
            inputMode="numeric"
            pattern="[0-9]*"
            value={turns}
            onInput={(event) => setTurns(event.currentTarget.value)}
          />
        </label>
        <label>
          + tokens
          <input
            name="budget"
            placeholder="50k"
            value={budget}
            onInput={(event) => setBudget(event.currentTarget.value)}
          />
        </label>
        <label>
          + dollars
          <input
            name="budgetUsd"
            inputMode="decimal"
            placeholder="5"
            value={dollars}
            onInput={(event) => setDollars(event.currentTarget.value)}
          />
        </label>
        <label>
          + time
          <input
            name="time"
            placeholder="30m"
            value={time}
            onInput={(event) => setTime(event.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          Resume
        </button>
      </form>
      {objective !== null && (
        <form
          class="edit"
          onSubmit={(event) => {
            event.preventDefault();
            void send("edit", { objective }).then(() => setObjective(null));
          }}
        >
          <textarea
            name="objective"
            rows={3}
            value={objective}
            onInput={(event) => setObjective(event.currentTarget.value)}
          />
          <button type="submit" disabled={busy}>
            Save objective
          </button>
        </form>
      )}
      {result && (
        <p class={`result ${result.status}`} role="status" data-field="reply">
          {result.status === "answered"
            ? result.reply
            : result.status === "queued"
              ? result.message
              : result.error}
        </p>
      )}
    </section>
  );
}
