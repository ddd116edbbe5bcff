/** One model request of a goal's turns, as a scripted model server saw it. */
export interface TimedRequest {
  bytes: number;
  receivedAt: number;
  answeredAt?: number;
  /** Whether it is a turn's first request (not the answer to a tool call). */
  startsTurn: boolean;
}

/**
 * What a continuation costs, from the requests of a goal whose model always continues: model requests and
 * request bytes per turn, and the median time from a turn's last answer to the next turn's first request.
 * Printed for BENCHMARKS.md; never asserted (the machine is shared).
 */
export function perContinuation(requests: TimedRequest[]): string {
  const turns = requests.filter((request) => request.startsTurn).length;
  const bytes = requests.reduce((sum, request) => sum + request.bytes, 0);
  const gaps = requests.flatMap((request, index) => {
    const previous = requests[index - 1];
    return request.startsTurn && previous?.answeredAt !== undefined
      ? [request.receivedAt - previous.answeredAt]
      : [];
  });
  const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? 0;
  const perTurn = (value: number) => (turns === 0 ? 0 : value / turns);
  return (
    `${perTurn(requests.length).toFixed(1)} requests and ${Math.round(perTurn(bytes) / 1024)} KB per ` +
    `continuation turn; ${median} ms from a turn's end to the next request (median of ${gaps.length})`
  );
}
