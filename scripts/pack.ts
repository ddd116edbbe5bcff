// Packs every public package the way it is published: `pnpm pack` rewrites `workspace:*` ranges to the
// real versions, so the tarballs install with plain npm. Needs `pnpm build` first.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
