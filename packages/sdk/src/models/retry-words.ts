const units: Record<string, number> = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * When a message about a usage limit (an agent's, a gateway's, a provider's) says to try again, in ms from
 * `now`, if it says: "try again
 * in 5 minutes", "retry after 30 seconds", or a local time of day, as Codex ("try again at 11:28 PM") and
 * Claude Code ("resets 3pm", "resets 3:30pm") give it, taken as the end of that minute, today or tomorrow.
 */
export function retryAfterInWords(message: string, now: number): number | undefined {
  const after =
    /(?:try again|retry) (?:in|after) (\d{1,6}) ?(second|sec|s|minute|min|m|hour|h|day|d)\w*/i.exec(message);
  if (after?.[1] && after[2]) {
    const unit = after[2].toLowerCase();
    const ms = Object.entries(units).find(([name]) => name.startsWith(unit) || unit.startsWith(name))?.[1];
    if (ms !== undefined) return Number(after[1]) * ms;
  }
  const at = /(?:try again at|resets(?: at)?) (\d{1,2})(?::(\d{2}))? ?([ap])\.?m\b/i.exec(message);
  if (!at?.[1] || !at[3]) return undefined;
  const hours = (Number(at[1]) % 12) + (at[3].toLowerCase() === "p" ? 12 : 0);
  const reset = new Date(now);
  reset.setHours(hours, Number(at[2] ?? 0), 0, 0);
  if (at[2] !== undefined) reset.setMinutes(reset.getMinutes() + 1);
  while (reset.getTime() <= now) reset.setDate(reset.getDate() + 1);
  return reset.getTime() - now;
}
