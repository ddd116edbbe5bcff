import type { GoalEvent, GoalStatus } from "@goal-lease/goal-plugin";
import { readStoredGoalEvents } from "@goal-lease/goal-plugin";
import type { HostStore } from "@goal-lease/sdk";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { readVersionedGoal } from "./goal-reads.js";
import { eventKey } from "./goal-summary.js";

/** Every goal status, so a status with no goal reads 0 rather than vanishing from the scrape. */
const statuses: readonly GoalStatus[] = [
  "active",
  "waiting",
  "paused",
  "done",
  "blocked",
  "waiting_approval",
  "turn_limited",
  "budget_limited",
  "time_limited",
  "usage_limited",
  "cleared",
];

/** What the metrics remember of a goal between scrapes: its version and the last event counted. */
interface SeenGoal {
  version: number;
  lastEvent: string | null;
  /** When its last scheduled continuation came due, until the turn that took it starts. */
  dueAt?: number;
}

/**
 * The store's goals as Prometheus metrics, read at each scrape: goals by status and owners alive as they
 * are now; continuations, tokens and dollars by model, gate stops by gate and the lease dispatch latency
 * (due to turn start) counted from the goals' event logs as this server first sees each event, so they
 * count from the server's start (a counter reset, as Prometheus expects of a restart).
 */
export class GoalMetrics {
  readonly registry = new Registry();
  readonly #store: HostStore;
  readonly #now: () => number;
  readonly #seen = new Map<string, SeenGoal>();
  #collecting: Promise<void> = Promise.resolve();

  readonly #goals = new Gauge({
    name: "goal_lease_goals",
    help: "Goals in the store, by status.",
    labelNames: ["status"],
    registers: [this.registry],
  });
  readonly #owners = new Gauge({
    name: "goal_lease_owners_alive",
    help: "Host processes whose claim on a session has not expired.",
    registers: [this.registry],
  });
  readonly #continuations = new Counter({
    name: "goal_lease_continuations_total",
    help: "Goal continuation turns that ended, by model.",
    labelNames: ["model"],
    registers: [this.registry],
  });
  readonly #tokens = new Counter({
    name: "goal_lease_tokens_total",
    help: "Tokens of goal continuation turns, by model and type (input or output).",
    labelNames: ["model", "type"],
    registers: [this.registry],
  });
  readonly #dollars = new Counter({
    name: "goal_lease_cost_usd_total",
    help: "What goal continuation turns cost in US dollars at the host's prices, by model.",
    labelNames: ["model"],
    registers: [this.registry],
  });
  readonly #unpriced = new Counter({
    name: "goal_lease_unpriced_turns_total",
    help: "Goal continuation turns on a model with no price (their cost is unknown, not 0), by model.",
    labelNames: ["model"],
    registers: [this.registry],
  });
  readonly #gateStops = new Counter({
    name: "goal_lease_gate_stops_total",
    help: "Goals a hard gate stopped, by gate.",
    labelNames: ["gate"],
    registers: [this.registry],
  });
  readonly #dispatch = new Histogram({
    name: "goal_lease_lease_dispatch_seconds",
    help: "From a goal continuation's due time to the start of its turn.",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly #storeErrors = new Counter({
    name: "goal_lease_store_errors_total",
    help: "Store reads that failed while the metrics were collected.",
    registers: [this.registry],
  });

  constructor(store: HostStore, options: { now?: () => number } = {}) {
    this.#store = store;
    this.#now = options.now ?? Date.now;
  }

  /** The metrics in the Prometheus text format, read from the store now (one scrape at a time). */
  async scrape(): Promise<string> {
    this.#collecting = this.#collecting.then(() => this.#collect());
    await this.#collecting;
    return this.registry.metrics();
  }

  /** The content type of {@link GoalMetrics.scrape}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  async #collect(): Promise<void> {
    try {
      const owners = await this.#store.listOwners();
      const now = this.#now();
      this.#owners.set(
        new Set(owners.filter((owner) => owner.expiresAt > now).map((owner) => owner.ownerId)).size,
      );
    } catch {
      this.#storeErrors.inc();
    }
    let sessions: string[];
    try {
      sessions = (await this.#store.listSessions()).map((session) => session.sessionKey);
    } catch {
      this.#storeErrors.inc();
      return;
    }
    const counts = new Map<string, number>(statuses.map((status) => [status, 0]));
    for (const session of sessions) {
      try {
        const read = await readVersionedGoal(this.#store, session);
        if (!read) continue;
        counts.set(read.goal.status, (counts.get(read.goal.status) ?? 0) + 1);
        const seen = this.#seen.get(read.goal.id);
        if (seen?.version === read.version) continue;
        const events = await readStoredGoalEvents(this.#store, session, read.goal);
        this.#count(read.goal.id, read.version, events, seen);
      } catch {
        this.#storeErrors.inc();
      }
    }
    for (const [status, count] of counts) this.#goals.set({ status }, count);
  }

  /** Counts the events of a goal not counted before: those after the last one seen. */
  #count(goalId: string, version: number, events: readonly GoalEvent[], seen: SeenGoal | undefined): void {
    let from = 0;
    if (seen?.lastEvent) {
      for (let index = events.length - 1; index >= 0; index--) {
        if (eventKey(events[index]) === seen.lastEvent) {
          from = index + 1;
          break;
        }
      }
    }
    let dueAt = seen?.dueAt;
    for (const event of events.slice(from)) {
      if (event.type === "lease-scheduled" && event.dueAt !== undefined) dueAt = event.dueAt;
      if (event.type === "continuation-started" && dueAt !== undefined) {
        this.#dispatch.observe(Math.max(0, event.at - dueAt) / 1_000);
        dueAt = undefined;
      }
      if (event.type === "gate") this.#gateStops.inc({ gate: event.gate });
      if (event.type === "continuation-ended") {
        const model = event.model ?? "unknown";
        this.#continuations.inc({ model });
        this.#tokens.inc({ model, type: "input" }, event.inputTokens);
        this.#tokens.inc({ model, type: "output" }, event.outputTokens);
        if (typeof event.costUsd === "number") this.#dollars.inc({ model }, event.costUsd);
        else if (event.costUsd === null) this.#unpriced.inc({ model });
      }
    }
    this.#seen.set(goalId, {
      version,
      lastEvent: eventKey(events.at(-1)) ?? seen?.lastEvent ?? null,
      ...(dueAt === undefined ? {} : { dueAt }),
    });
  }
}
