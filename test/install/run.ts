// End-to-end: the packed packages installed as a user installs them, with plain npm into an empty folder
// outside the workspace; then the bin, the dashboard of goal-lease serve, an ESM consumer, a TypeScript consumer that has nothing but
// TypeScript and the tarballs, and every entry point under an old Node.js.
// Usage: pnpm test:install (builds first). Prints each check; exits 1 if any fails.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { packAll } from "../../scripts/pack.ts";
import { check, summarize } from "../checks.ts";
import { ensurePackage } from "../tool-install.ts";
import { probeServe } from "./serve-check.ts";

const started = Date.now();
const root = fileURLToPath(new URL("../..", import.meta.url));
const typescriptVersion = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).devDependencies
  .typescript as string;
const folder = mkdtempSync(join(tmpdir(), "goal-lease-install-"));
const run = (command: string, args: string[], options: { cwd?: string; input?: string } = {}) =>
  spawnSync(command, args, { cwd: options.cwd ?? folder, input: options.input, encoding: "utf8" });

try {
  const tarballs = packAll(mkdtempSync(join(tmpdir(), "goal-lease-packs-")));
  for (const tarball of tarballs) {
    const manifest = execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" });
    check(`${tarball.split("/").at(-1)} has no workspace ranges`, !manifest.includes("workspace:"), manifest);
  }

  writeFileSync(
    join(folder, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  const install = run("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--prefer-offline",
    "--loglevel=error",
    ...tarballs,
    `typescript@${typescriptVersion}`,
  ]);
  check("npm install of the tarballs into an empty folder succeeds", install.status === 0, install.stderr);

  const demo = run("npx", ["--no-install", "goal-lease", "demo", "--delay", "0"]);
  check(
    "npx goal-lease demo runs a whole goal",
    demo.status === 0 && /■ goal turn_limited: 3 of 3 continuations used/.test(demo.stdout),
    { status: demo.status, stderr: demo.stderr.slice(-400) },
  );

  // The dashboard ships in the package and in the plugin's bundle, and each finds its page.
  const store = join(folder, "state.db");
  run("npx", ["--no-install", "goal-lease", "run", "tidy the docs", "--max-turns", "1", "--store", store]);
  const bin = join(folder, "node_modules/@goal-lease/cli/dist/bin.js");
  const served = await probeServe(process.execPath, [bin, "serve", "--store", store]);
  check(
    "the installed goal-lease serve serves its dashboard and the store's goals",
    served.ok,
    served.detail,
  );
  const plugin = join(root, "plugins/claude-code/dist/goal-lease.js");
  const bundled = await probeServe(process.execPath, [plugin, "serve", "--store", store]);
  check("the Claude Code plugin's bundled goal-lease serve serves its dashboard", bundled.ok, bundled.detail);

  // The README's global install, into a prefix of its own.
  const prefix = mkdtempSync(join(tmpdir(), "goal-lease-global-"));
  const global = run("npm", [
    "install",
    "-g",
    "--prefix",
    prefix,
    "--no-audit",
    "--no-fund",
    "--prefer-offline",
    "--loglevel=error",
    ...tarballs,
  ]);
  const globalDemo =
    global.status === 0 ? run(join(prefix, "bin/goal-lease"), ["demo", "--delay", "0"]) : global;
  check(
    "npm install -g of the tarballs gives a goal-lease command that runs the demo",
    globalDemo.status === 0 && /■ goal turn_limited/.test(globalDemo.stdout),
    globalDemo.stderr.slice(-400),
  );

  copyFileSync(fileURLToPath(new URL("consumer.ts", import.meta.url)), join(folder, "consumer.ts"));
  writeFileSync(
    join(folder, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "es2023",
        module: "nodenext",
        strict: true,
        skipLibCheck: false,
        outDir: "out",
      },
      files: ["consumer.ts"],
    }),
  );
  const tsc = run(process.execPath, [join(folder, "node_modules/typescript/bin/tsc"), "-p", "."]);
  check(
    "a TypeScript consumer with only typescript and the tarballs type-checks (skipLibCheck off)",
    tsc.status === 0,
    tsc.stdout.slice(0, 1_000),
  );
  const esm = run(process.execPath, [join(folder, "out/consumer.js")]);
  check(
    "the compiled ESM consumer runs a goal to done on the installed SDK and goal plugin",
    esm.status === 0 && esm.stdout.trim() === '{"status":"done","continuations":2}',
    { stdout: esm.stdout, stderr: esm.stderr.slice(-400) },
  );

  const oldNode = findOldNode();
  const entries: Array<[string, string[], string | undefined]> = [
    ["the goal-lease bin", [join(folder, "node_modules/@goal-lease/cli/dist/bin.js"), "demo"], undefined],
    ["goal-lease hook", [join(folder, "node_modules/@goal-lease/cli/dist/bin.js"), "hook"], "{}"],
    ["goal-lease mcp", [join(folder, "node_modules/@goal-lease/cli/dist/bin.js"), "mcp"], ""],
    ["the Claude Code plugin's hook", [join(root, "plugins/claude-code/dist/hook.js")], "{}"],
    [
      "the Claude Code plugin's MCP server",
      [join(root, "plugins/claude-code/dist/goal-lease.js"), "mcp"],
      "",
    ],
  ];
  for (const [name, args, input] of entries) {
    const result = run(oldNode.path, args, { input });
    const lines = result.stderr.trim().split("\n");
    check(
      `${name} on Node.js ${oldNode.version}: exit 1 and one line saying what to install`,
      result.status === 1 &&
        lines.length === 1 &&
        lines[0]?.startsWith(`goal-lease needs Node.js 22.13 or newer`) === true &&
        result.stdout === "",
      { status: result.status, stderr: result.stderr.slice(0, 600) },
    );
  }
} finally {
  summarize(started);
}

/** The machine's own old Node.js if it has one on PATH, else node@20 from the npm registry. */
function findOldNode(): { path: string; version: string } {
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    const path = join(directory, "node");
    if (!existsSync(path)) continue;
    const version = run(path, ["-p", "process.versions.node"]).stdout.trim();
    const [major = 0, minor = 0] = version.split(".").map(Number);
    if (major < 22 || (major === 22 && minor < 13)) return { path, version };
  }
  const path = ensurePackage("node", "20.20.2", "node");
  return { path, version: run(path, ["-p", "process.versions.node"]).stdout.trim() };
}
