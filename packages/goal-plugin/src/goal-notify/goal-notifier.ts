import { randomUUID } from "node:crypto";
import { type Clock, type SessionContext, systemClock, type TimerHandle } from "@goal-lease/sdk";
import { type Goal, type GoalNotification, type LoggedGoalEvent, logEvent } from "../goal.js";
import type { GoalEntry, GoalStore, GoalWriteHook } from "../goal-store.js";
import type { AttemptResult } from "./attempt.js";
import { postNotification } from "./post-http.js";
import type { NotifySettings } from "./settings.js";
import { showDesktopNotification } from "./show-desktop.js";
import { deliveryHeader, signatureHeader, signNotification } from "./sign.js";
import {
  dashboardLink,
  type GoalStopPayload,
  refreshedPayload,
  type StatusEvent,
  stopPayload,
  unpromptedStop,
} from "./stop-notice.js";
import { describeNotifyTarget, desktopTarget, isNotifyTarget } from "./target.js";

/** How long a notification is retried before it is given up: 10 minutes. */
export const notifyRetryWindowMs = 10 * 60_000;
/** How long one attempt may take: 5 seconds. */
export const notifyAttemptTimeoutMs = 5_000;

/** The wait after `attempts` failed attempts: 1 s, doubling, at most a minute. */
export function notifyRetryDelayMs(attempts: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.max(0, attempts - 1));
}

/** Options of {@link GoalNotifier}. */
export interface GoalNotifierOptions {
  /**
   * The store's notification settings (its default target, the signing secret, the dashboard's address),
   * read at each stop and each delivery. Without it, only a goal's own target is notified, unsigned.
   */
  settings?: () => Promise<NotifySettings>;
  /** The target of goals that name none, before the store's default (the CLI passes `$GOAL_LEASE_NOTIFY`). */
  target?: string;
  /** The clock retries wait on; the system's unless set. */
  clock?: Clock;
  /** How long a notification is retried; {@link notifyRetryWindowMs} unless set. */
  retryWindowMs?: number;
  /** How long one attempt may take; {@link notifyAttemptTimeoutMs} unless set. */
  attemptTimeoutMs?: number;
}

/** What a delivery came to, kept until it is marked in the store. */
interface Settled {
  state: "sent" | "failed" | "skipped";
  outcome: string;
  attempts: number;
}

/**
 * Tells the person when a goal stops other than by their own command, once. The stop's write carries the
 * notification (its body and delivery id, fixed then); after the write, the owning process sends it,
 * retrying with back-off for {@link notifyRetryWindowMs}, and marks it in a later write. A process that
 * begins to serve a session (opened, taken over after a crash) sends what is still pending there, so a
 * repeat, with the same delivery id, only follows a crash between a send and its mark. Deliveries never
 * hold up the goal; {@link idle} waits for them.
 */
export class GoalNotifier implements GoalWriteHook {
  readonly #options: GoalNotifierOptions;
  readonly #clock: Clock;
  /** Deliveries under way in this process, by delivery id. */
  readonly #running = new Map<string, Promise<void>>();
  /** Looks for pending notifications under way. */
  readonly #sweeps = new Set<Promise<void>>();
  /** Deliveries that ended here but whose mark may not be in the store: marked again, never sent again. */
  readonly #settled = new Map<string, Settled>();
  /** Waits between attempts, each with the function that ends it early. */
  readonly #sleeping = new Map<TimerHandle, () => void>();
  /** Turns running in this process, and those whose stop wrote a notification, by turn id: the goal's id. */
  readonly #turns = new Set<string>();
  readonly #parked = new Map<string, string>();
  /** Sessions this process has looked for a pending notification in since it began serving them. */
  readonly #swept = new Set<string>();
  #closed = false;

  constructor(options: GoalNotifierOptions = {}) {
    if (options.target !== undefined && !isNotifyTarget(options.target)) {
      throw new Error(
        `The notify target ${JSON.stringify(options.target.slice(0, 80))} is not an http(s) URL or desktop.`,
      );
    }
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Whether a delivery (or a look for one) is under way. */
  get busy(): boolean {
    return this.#running.size > 0 || this.#sweeps.size > 0;
  }

  /** Resolves once no delivery is under way: each has been delivered, given up, or left for another process. */
  async idle(): Promise<void> {
    while (this.busy) await Promise.all([...this.#running.values(), ...this.#sweeps]);
  }

  /**
   * Stops retrying: deliveries waiting for their next attempt end now and stay pending in the store, for
   * the next process that serves their session. Resolves once none is under way.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const [handle, wake] of this.#sleeping) {
      this.#clock.clearTimeout(handle);
      wake();
    }
    this.#sleeping.clear();
    await this.idle();
  }

  /** A write that stops a goal other than by the person's command carries the stop's notification. */
  beforeWrite(
    context: SessionContext,
    next: Goal,
    events: readonly LoggedGoalEvent[],
  ): Promise<void> | undefined {
    const stop = unpromptedStop(next, events);
    return stop && this.#attach(context, next, stop);
  }

  async #attach(context: SessionContext, next: Goal, stop: StatusEvent): Promise<void> {
    const settings = await this.#settings();
    const target = next.notify ?? this.#options.target ?? settings.target;
    if (target === undefined || !isNotifyTarget(target)) return;
    const id = randomUUID();
    const payload = stopPayload({
      delivery: id,
      session: context.sessionKey,
      goal: next,
      stop,
      dashboard: dashboardLink(settings.dashboardUrl, context.sessionKey),
    });
    next.notification = {
      id,
      target,
      status: stop.to,
      at: stop.at,
      body: JSON.stringify(payload),
      state: "pending",
      attempts: 0,
    };
  }

  /**
   * Once a pending notification is in the store, it is sent; one written during a turn, once that turn has
   * ended and been counted, so its figures include it.
   */
  afterWrite(context: SessionContext, written: GoalEntry, store: GoalStore): void {
    const notice = written.goal.notification;
    if (notice?.state !== "pending") return;
    const turnId = context.turn?.id;
    if (turnId !== undefined && this.#turns.has(turnId)) this.#parked.set(turnId, written.goal.id);
    else this.#deliver(context, store, written.goal.id, { ...notice });
  }

  /** A turn has started in a session this process serves. */
  turnStarted(turnId: string): void {
    this.#turns.add(turnId);
  }

  /**
   * The turn of `context` has ended and the goal's hooks have counted it: a notification its stop wrote
   * takes the goal's figures now (until its first attempt, the document may change), then is sent.
   */
  async turnEnded(context: SessionContext, store: GoalStore): Promise<void> {
    const turnId = context.turn?.id;
    if (turnId === undefined) return;
    this.#turns.delete(turnId);
    const goalId = this.#parked.get(turnId);
    if (goalId === undefined) return;
    this.#parked.delete(turnId);
    const entry = await store.write(context, (current) => {
      const notice = current?.notification;
      if (current?.id !== goalId || notice?.state !== "pending" || notice.attempts > 0) return undefined;
      const body = JSON.stringify(refreshedPayload(notice.body, current, notice.at));
      if (body === notice.body) return undefined;
      notice.body = body;
      return current;
    });
    const notice = entry?.goal.notification;
    if (entry?.goal.id === goalId && notice?.state === "pending")
      this.#deliver(context, store, goalId, { ...notice });
  }

  /** Sends the notification still pending in the context's session, if there is one (a crash left it). */
  sweep(context: SessionContext, store: GoalStore): Promise<void> {
    this.#swept.add(context.sessionKey);
    const sweep = store
      .read(context)
      .then((goal) => {
        const notice = goal?.notification;
        if (goal && notice?.state === "pending") this.#deliver(context, store, goal.id, notice);
      })
      .catch(() => {})
      .finally(() => this.#sweeps.delete(sweep));
    this.#sweeps.add(sweep);
    return sweep;
  }

  /** {@link sweep}, once per session and process: for a session taken over with a continuation pending. */
  sweepOnce(context: SessionContext, store: GoalStore): void {
    if (!this.#swept.has(context.sessionKey)) void this.sweep(context, store);
  }

  #deliver(context: SessionContext, store: GoalStore, goalId: string, notice: GoalNotification): void {
    if (this.#closed || this.#running.has(notice.id)) return;
    // A delivery never throws into the host: what it could not write stays pending for the next owner.
    const run = this.#run(context, store, goalId, notice)
      .catch(() => {})
      .finally(() => this.#running.delete(notice.id));
    this.#running.set(notice.id, run);
  }

  async #run(context: SessionContext, store: GoalStore, goalId: string, notice: GoalNotification) {
    const known = this.#settled.get(notice.id);
    if (known) {
      await this.#mark(context, store, goalId, notice.id, known);
      this.#settled.delete(notice.id);
      return;
    }
    const window = this.#options.retryWindowMs ?? notifyRetryWindowMs;
    const deadline = this.#clock.now() + window;
    for (let attempts = notice.attempts + 1; ; attempts++) {
      const { result, outcome } = await this.#attempt(notice);
      const delayMs = notifyRetryDelayMs(attempts);
      if (result === "retry" && this.#closed) {
        await this.#mark(context, store, goalId, notice.id, { state: "pending", outcome, attempts });
        return;
      }
      if (result !== "retry" || this.#clock.now() + delayMs > deadline) {
        const settled: Settled =
          result === "retry"
            ? { state: "failed", outcome: `${outcome}; given up after ${attempts} attempts`, attempts }
            : { state: result, outcome, attempts };
        this.#settled.set(notice.id, settled);
        await this.#mark(context, store, goalId, notice.id, settled);
        this.#settled.delete(notice.id);
        return;
      }
      // Another owner would take it from here, with the attempts so far; the dashboard shows them.
      await this.#mark(context, store, goalId, notice.id, { state: "pending", outcome, attempts });
      await this.#sleep(delayMs);
      if (this.#closed) return;
      const current = (await store.read(context))?.notification;
      if (current?.id !== notice.id || current.state !== "pending") return;
    }
  }

  async #attempt(notice: GoalNotification): Promise<AttemptResult> {
    const timeoutMs = this.#options.attemptTimeoutMs ?? notifyAttemptTimeoutMs;
    if (notice.target === desktopTarget) {
      const payload = JSON.parse(notice.body) as GoalStopPayload;
      return showDesktopNotification(`goal-lease: ${payload.session}`, payload.text, timeoutMs);
    }
    const headers: Record<string, string> = { [deliveryHeader]: notice.id };
    const { secret } = await this.#settings();
    if (secret !== undefined) headers[signatureHeader] = signNotification(secret, notice.body);
    return postNotification(notice.target, notice.body, headers, timeoutMs);
  }

  /** Records how delivery `id` went, if it is still the goal's pending notification. */
  async #mark(
    context: SessionContext,
    store: GoalStore,
    goalId: string,
    id: string,
    change: Settled | { state: "pending"; outcome: string; attempts: number },
  ): Promise<void> {
    await store.update(context, (current) => {
      const notice = current?.notification;
      if (current?.id !== goalId || notice?.id !== id || notice.state !== "pending") return undefined;
      notice.attempts = change.attempts;
      notice.outcome = change.outcome;
      if (change.state === "pending") return current;
      const now = this.#clock.now();
      notice.state = change.state;
      notice.settledAt = now;
      logEvent(current, {
        at: now,
        type: "notified",
        delivery: id,
        state: change.state,
        target: describeNotifyTarget(notice.target),
        outcome: change.outcome,
        attempts: change.attempts,
      });
      return current;
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.#clock.setTimeout(() => {
        this.#sleeping.delete(handle);
        resolve();
      }, ms);
      this.#sleeping.set(handle, resolve);
    });
  }

  /** The store's settings; none when they cannot be read (a stop is never held up by them). */
  async #settings(): Promise<NotifySettings> {
    try {
      return (await this.#options.settings?.()) ?? {};
    } catch {
      return {};
    }
  }
}
