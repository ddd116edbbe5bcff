interface QueueOperation {
  type?: string;
  operation?: string;
  content?: unknown;
}

/**
 * The prompts the user typed while a Claude Code turn ran that still wait for it to end, from the
 * `queue-operation` entries in the turn's lines of the transcript. Claude Code records each one as it
 * happens, so a Stop hook sees a command typed during its turn before the queue is drained.
 */
export function claudeQueuedPrompts(lines: readonly object[]): string[] {
  const queued: string[] = [];
  for (const line of lines as QueueOperation[]) {
    if (line.type !== "queue-operation") continue;
    const content = typeof line.content === "string" ? line.content : undefined;
    switch (line.operation) {
      case "enqueue":
        if (content !== undefined) queued.push(content);
        break;
      case "dequeue":
        queued.shift();
        break;
      case "remove": {
        const index = content === undefined ? 0 : queued.indexOf(content);
        if (index !== -1) queued.splice(index, 1);
        break;
      }
      case "popAll":
        queued.length = 0;
        break;
    }
  }
  return queued;
}
