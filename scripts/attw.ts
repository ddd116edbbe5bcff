// `pnpm attw`: "are the types wrong" on each public package as packed, for ESM-only packages (no CommonJS
// entry is offered, so only the ESM resolution modes are checked). Needs `pnpm build` first.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { packAll } from "./pack.ts";

const require = createRequire(import.meta.url);
const attw = join(dirname(require.resolve("@arethetypeswrong/cli/package.json")), "dist/index.js");
let failed = false;
for (const tarball of packAll()) {
  try {
    execFileSync(process.execPath, [attw, tarball, "--profile", "esm-only", "--format", "table-flipped"], {
      stdio: "inherit",
    });
  } catch {
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
