import type { LeaseRecord } from "../../store/store.js";
import type { IdleTracker } from "../idle-tracker.js";
import { admitAndRun, admitParked } from "../leases/admission.js";
import { emitLeaseDropped } from "../leases/admission-checks.js";
import type { SessionState } from "../sessions/session-state.js";
import { runTurn } from "./run-turn.js";
import type { TurnHost } from "./turn-host.js";

/** What the host does around the queue. */
export interface QueueHooks {
  /** Runs before a continuation is admitted (commands other processes posted come first). */
  beforeAdmission(session: SessionState): Promise<void>;
  /** A closed session's last turn ended. */
  closed(session: SessionState): void;
}

/**
 * Each session's one queue: one turn at a time, a person's turns before any due continuation, and a
 * continuation only through admission.
 */
export class SessionQueue {
  readonly #host: TurnHost;
  readonly #work: IdleTracker;
  readonly #hooks: QueueHooks;

  constructor(host: TurnHost, work: IdleTracker, hooks: QueueHooks) {
    this.#host = host;
    this.#work = work;
    this.#hooks = hooks;
  }

  /** Starts the session's next queued turn or due lease if it is idle. */
  pump(session: SessionState): void {
    if (session.busy) return;
    const user = session.userQueue.shift();
    if (user) {
      session.running = true;
      const turn = runTurn(this.#host, session, { kind: "user", text: user.text, sender: user.sender }).then(
        (ran) => ran.result,
      );
      turn.then(user.resolve, user.reject);
      this.#runExclusive(session, turn);
      return;
    }
    const parked = session.parked;
    session.parked = undefined;
    if (this.#host.isDraining()) {
      for (const lease of session.due.splice(0)) emitLeaseDropped(this.#host, lease, "host_draining");
      if (parked) this.#runExclusive(session, this.#drop(session, parked));
      return;
    }
    const lease = parked ?? session.takeDue();
    if (!lease) return;
    session.running = true;
    this.#runExclusive(session, this.#admit(session, lease, parked ? admitParked : admitAndRun));
  }

  async #admit(session: SessionState, lease: LeaseRecord, admit: typeof admitAndRun): Promise<void> {
    // Withdrawable from the moment it left the due: a clear made during the inbox check still wins.
    session.admitting = lease;
    let withdrawn = true;
    try {
      await this.#hooks.beforeAdmission(session);
    } finally {
      withdrawn = session.admitting !== lease;
      if (!withdrawn) session.admitting = undefined;
    }
    if (withdrawn) return;
    await admit(this.#host, session, lease, async (admitted, ceiling, claim) => {
      const ran = await runTurn(this.#host, session, {
        kind: "continuation",
        lease: admitted,
        ceiling,
        claim,
      });
      return { started: ran !== undefined, recorded: ran?.recorded ?? false };
    });
  }

  /** A parked continuation of a host that shuts down: dropped, as one being admitted then would be. */
  async #drop(session: SessionState, lease: LeaseRecord): Promise<void> {
    await this.#host.store.finishLease(lease.id, { fence: session.fence });
    emitLeaseDropped(this.#host, lease, "host_draining");
  }

  #runExclusive(session: SessionState, work: Promise<unknown>): void {
    const report = (error: unknown) => {
      this.#host.events.emit("host-error", {
        sessionKey: session.record.sessionKey,
        message: error instanceof Error ? error.message : String(error),
      });
    };
    void this.#work.track(
      work.catch(report).finally(() => {
        const finishing = session.finishing;
        session.finishing = undefined;
        if (finishing) void this.#work.track(finishing.catch(report));
        session.running = false;
        if (session.open) this.pump(session);
        else this.#hooks.closed(session);
      }),
    );
  }
}
