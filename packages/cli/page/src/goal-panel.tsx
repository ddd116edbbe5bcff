import { useEffect, useState } from "preact/hooks";
import type { Api, GoalDetail, GoalSummary } from "./api.js";
import { Controls } from "./controls.js";
import { Timeline } from "./timeline.js";

/**
 * The selected goal: its full objective, why it is where it is, the controls, the webhook for CI and the
 * event timeline. The detail is fetched again whenever the goal's version or its log moves.
 */
export function GoalPanel(props: { api: Api; goal: GoalSummary }) {
  const { api, goal } = props;
  const [detail, setDetail] = useState<GoalDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    api
      .detail(goal.session)
      .then((value) => {
        if (!current) return;
        setDetail(value);
        setError(null);
      })
      .catch((reason: Error) => {
        if (current) setError(reason.message);
      });
    return () => {
      current = false;
    };
  }, [api, goal.session, goal.version, goal.lastEvent]);

  return (
    <section class="panel" aria-label={`goal ${goal.session}`}>
      <h2>{goal.session}</h2>
      <p class="objective full">{goal.objective}</p>
      {goal.statusReason && <p class="reason">{goal.statusReason}</p>}
      {goal.lastNote && <p class="note">Last note: {goal.lastNote}</p>}
      <Controls key={goal.session} api={api} goal={goal} />
      {detail?.webhook && (
        <details class="webhook">
          <summary>Wake from CI</summary>
          <code>
            curl -X POST -H "X-Goal-Lease-Secret: {detail.webhook.secret}" {window.location.origin}
            {detail.webhook.path}
          </code>
        </details>
      )}
      {error && <p class="result refused">{error}</p>}
      <h3>Events</h3>
      {detail && <Timeline events={detail.events} />}
    </section>
  );
}
