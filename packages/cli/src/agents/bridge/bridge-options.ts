/** What a hook prints on stdout for the agent: nothing, or one JSON decision. */
export type HookOutput = string;

/** What the bridge asks of the agent around it. */
export interface AgentBridgeOptions {
  /**
   * Queues `message` as the next prompt of an idle session (`codex queue`), for the agents that wake a
   * session so; resolves false if the agent did not take it.
   */
  queueMessage?: (sessionId: string, message: string) => Promise<boolean>;
  /**
   * Whether a Claude Code waker may wait for the continuation of its session's goal (which waits, or waits
   * for a usage limit to lift). `claude -p` runs a background hook as an ordinary one: its Stop waker holds
   * the run open until the wait ends (then continues the turn), but after a StopFailure nothing continues.
   */
  waitsFor?: (event: string) => boolean;
  /** Told whether any session here has a goal that waits (so Claude Code runs its waker at each Stop). */
  waits?: (anyWaiting: boolean) => void;
  /** How long a Stop waits for a running check's result (`stopCheckWaitMs` unless set). */
  checkWaitMs?: number;
  now?: () => number;
}
