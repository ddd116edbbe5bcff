// A real PostgreSQL server for tests, benchmarks and the crash harness: a fresh cluster in a temporary
// folder, listening on a free loopback port, run by an unprivileged user (PostgreSQL refuses root). Needs
// the server binaries (Debian's `postgresql` package); `.ci/run` installs it when it is missing.
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A running test server: its URL, and the means to stop, start again and remove it. */
export interface PostgresServer {
  /** `postgres://goal_lease:<password>@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  stop(): void;
  start(): void;
  /** Stops the server and deletes its folder. */
  remove(): void;
}

/** Where the server binaries are: `$POSTGRES_BIN`, else the newest under /usr/lib/postgresql. */
export function postgresBinaries(): string {
  const configured = process.env.POSTGRES_BIN;
  if (configured && existsSync(join(configured, "pg_ctl"))) return configured;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, "bin", "pg_ctl")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined) {
    throw new Error(
      "PostgreSQL server binaries not found: install them (apt-get install postgresql) or set POSTGRES_BIN to their folder.",
    );
  }
  return join(root, versions[0], "bin");
}

/** The test cluster's password for its user, `goal_lease`. */
export const postgresTestPassword = "goal-lease-test";
const password = postgresTestPassword;

/** Starts a fresh server; call `remove()` when done. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinaries();
  const folder = mkdtempSync(join(tmpdir(), "goal-lease-pg-"));
  const data = join(folder, "data");
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL will not run as root: as root, the cluster belongs to the `postgres` user.
  const run = (command: string, args: string[]) => {
    const argv = asRoot ? ["-u", "postgres", "--", join(bin, command), ...args] : args;
    const result = spawnSync(asRoot ? "runuser" : join(bin, command), argv, { encoding: "utf8" });
    if (result.status !== 0) {
      throw new Error(
        `${command} failed: ${(result.stderr || result.stdout || "").trim().split("\n").at(-1)}`,
      );
    }
  };
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(folder, uid, gid);
  }
  chmodSync(folder, 0o700);
  // Connections over TCP log in with a password, as a real deployment's do.
  const passwordFile = join(folder, "password");
  writeFileSync(passwordFile, `${password}\n`);
  if (asRoot) chownSync(passwordFile, ownerOf(folder).uid, ownerOf(folder).gid);
  run("initdb", [
    "-D",
    data,
    "-U",
    "goal_lease",
    "-E",
    "UTF8",
    "--no-sync",
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    `--pwfile=${passwordFile}`,
  ]);
  const port = await freePort();
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = () => run("pg_ctl", ["-D", data, "-o", options, "-l", join(folder, "log"), "-w", "start"]);
  const stop = () => run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
  start();
  const server: PostgresServer = {
    url: `postgres://goal_lease:${password}@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    remove() {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
  return server;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

function ownerOf(path: string): { uid: number; gid: number } {
  const { uid, gid } = statSync(path);
  return { uid, gid };
}
