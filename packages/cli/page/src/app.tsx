import { useEffect, useMemo, useState } from "preact/hooks";
import { Api, type GoalSummary } from "./api.js";
import { GoalCard } from "./goal-card.js";
import { GoalPanel } from "./goal-panel.js";

/** A goal as last received, and when, so a running goal's time can move on between updates. */
interface Received {
  goal: GoalSummary;
  receivedAt: number;
}

/** Keeps the newer copy of a goal: versions only grow, and events may overtake one another. */
function merge(goals: Map<string, Received>, goal: GoalSummary, now: number): Map<string, Received> {
  const known = goals.get(goal.session);
  if (known && known.goal.version > goal.version) return goals;
  return new Map(goals).set(goal.session, { goal, receivedAt: now });
}

/** The dashboard: every goal as a card, live from the event stream, and the selected goal's panel. */
export function App(props: { token: string }) {
  const api = useMemo(() => new Api(props.token), [props.token]);
  const [goals, setGoals] = useState(new Map<string, Received>());
  const [connection, setConnection] = useState<"live" | "reconnecting" | "closed">("reconnecting");
  // A notification's link names its goal's session: that goal opens selected.
  const [selected, setSelected] = useState<string | null>(() =>
    new URL(window.location.href).searchParams.get("session"),
  );
  const [now, setNow] = useState(Date.now());

  useEffect(
    () =>
      api.follow({
        // A snapshot (on each connection) replaces the list, but keeps a newer copy an event brought.
        snapshot: (list) =>
          setGoals((current) => {
            const next = new Map<string, Received>();
            for (const goal of list) {
              const known = current.get(goal.session);
              const newer = known && known.goal.version > goal.version;
              next.set(goal.session, newer ? known : { goal, receivedAt: Date.now() });
            }
            return next;
          }),
        goal: (goal) => setGoals((current) => merge(current, goal, Date.now())),
        removed: (session) =>
          setGoals((current) => {
            const next = new Map(current);
            next.delete(session);
            return next;
          }),
        connection: setConnection,
      }),
    [api],
  );
  // Time bars and wake countdowns move on between updates.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);

  const list = [...goals.values()].sort((a, b) => b.goal.updatedAt - a.goal.updatedAt);
  const current = selected === null ? undefined : goals.get(selected)?.goal;
  return (
    <>
      <header>
        <h1>goal-lease</h1>
        <span class={`connection ${connection}`} data-field="connection">
          {connection === "live"
            ? "live"
            : connection === "closed"
              ? "disconnected: open the URL goal-lease serve printed"
              : "connecting…"}
        </span>
      </header>
      <main class={current ? "with-panel" : ""}>
        <div class="goals">
          {list.length === 0 && connection === "live" && (
            <p class="empty">{'No goals yet. Start one with goal-lease run "<objective>" or /goal start.'}</p>
          )}
          {list.map(({ goal, receivedAt }) => (
            <GoalCard
              key={goal.session}
              goal={goal}
              receivedAt={receivedAt}
              now={now}
              selected={goal.session === selected}
              onSelect={() => setSelected(goal.session === selected ? null : goal.session)}
            />
          ))}
        </div>
        {current && <GoalPanel api={api} goal={current} />}
      </main>
    </>
  );
}
