// Prints each end-to-end check as it is made and remembers whether all passed.

const results: boolean[] = [];

export function check(name: string, ok: boolean, detail?: unknown): void {
  results.push(ok);
  const shown = ok || detail === undefined ? "" : ` (${JSON.stringify(detail)?.slice(0, 600)})`;
  console.log(`${ok ? "PASS" : "FAIL"} ${name}${shown}`);
}

/** Prints the totals; the process exits 1 if any check failed. */
export function summarize(started: number): void {
  const failed = results.filter((ok) => !ok).length;
  console.log(
    `${results.length - failed} passed, ${failed} failed, ${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
  process.exitCode = failed === 0 && results.length > 0 ? 0 : 1;
}
