/** 1234 → "1.2k", 2500000 → "2.5M". */
export function formatCount(count: number): string {
  if (count >= 1_000_000) return `${trim(count / 1_000_000)}M`;
  if (count >= 1_000) return `${trim(count / 1_000)}k`;
  return String(count);
}

/** 12.345 → "$12.35", 0.0421 → "$0.0421": cents, and up to 4 decimals below a dollar. */
export function formatUsd(dollars: number): string {
  if (dollars === 0) return "$0";
  if (dollars >= 1) return `$${dollars.toFixed(2)}`;
  if (dollars < 0.0001) return "<$0.0001";
  return `$${dollars.toFixed(4).replace(/(\.\d\d(?:\d*[1-9])?)0*$/, "$1")}`;
}

/** A goal's spend: dollars, with turns on a model with no price said as unknown, never read as $0. */
export function formatSpend(goal: { costUsd: number; unpricedTurns: number }): string {
  if (goal.unpricedTurns === 0) return formatUsd(goal.costUsd);
  const turns = `${goal.unpricedTurns} unpriced turn${goal.unpricedTurns === 1 ? "" : "s"}`;
  return goal.costUsd > 0 ? `${formatUsd(goal.costUsd)} + ${turns}` : `unknown (${turns})`;
}

/** 95_000 → "1m 35s", 7_200_000 → "2h". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1_000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes}m ${seconds % 60}s` : `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** A time of day, with the date when it is not today. */
export function formatTime(at: number): string {
  const date = new Date(at);
  const today = new Date().toDateString() === date.toDateString();
  const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  return today ? time : `${date.toLocaleDateString()} ${time}`;
}

function trim(value: number): string {
  return value.toFixed(value < 10 ? 1 : 0).replace(/\.0$/, "");
}
