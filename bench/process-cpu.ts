// CPU seconds of processes from /proc (Linux), for the benches that say where a turn's CPU went: a host
// process's own, and a PostgreSQL server's (its postmaster and every backend it started).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import type { PostgresServer } from "../test/postgres-server.ts";

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A process's parent, its own CPU seconds (user + system) and its reaped children's. */
export function processCpu(pid: number): { parent: number; own: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // After "pid (comm) " the fields start at the 3rd (state): ppid is the 4th, utime to cstime the 14th-17th.
  const fields = stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  const parent = fields[1] ?? 0;
  const [utime = 0, stime = 0, cutime = 0, cstime = 0] = fields.slice(11, 15);
  return { parent, own: (utime + stime) / ticksPerSecond, children: (cutime + cstime) / ticksPerSecond };
}

/** CPU seconds the server has used so far: the postmaster, its live backends, and those it has reaped. */
export function serverCpuSeconds(postmaster: number): number {
  const main = processCpu(postmaster);
  let total = main.own + main.children;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const child = processCpu(Number(name));
      if (child.parent === postmaster) total += child.own;
    } catch {
      // Exited meanwhile: the postmaster's children's time has it once reaped.
    }
  }
  return total;
}

/** The server's postmaster: the parent of a backend, read while that backend lives. */
export async function postmasterPid(server: PostgresServer): Promise<number> {
  const client = new pg.Client(server.url);
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    return processCpu(Number(rows[0]?.pid)).parent;
  } finally {
    await client.end();
  }
}
