// Packs every public package the way it is published: `pnpm pack` rewrites `workspace:*` ranges to the
// real versions, so the tarballs install with plain npm. Needs `pnpm build` first.
// Usage: pnpm pack:all <folder> (or import packAll).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The workspace folders of the packages users install. */
export const publicPackages = ["packages/sdk", "packages/goal-plugin", "packages/cli", "packages/openclaw"];

/** Packs each public package into a fresh temporary folder and returns the tarballs' paths. */
export function packAll(destination = mkdtempSync(join(tmpdir(), "goal-lease-packs-"))): string[] {
  for (const folder of publicPackages) {
    execFileSync("pnpm", ["pack", "--pack-destination", destination], {
      cwd: join(root, folder),
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  return readdirSync(destination)
    .filter((name) => name.endsWith(".tgz"))
    .map((name) => join(destination, name));
}

if (import.meta.main) {
  const destination = process.argv[2];
  if (!destination) {
    console.error("usage: pnpm pack:all <folder>   (the folder the tarballs go to)");
    process.exit(1);
  }
  const folder = resolve(process.env.INIT_CWD ?? process.cwd(), destination);
  mkdirSync(folder, { recursive: true });
  for (const tarball of packAll(folder)) console.log(tarball);
}
