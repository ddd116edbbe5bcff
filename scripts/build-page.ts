// Builds the goal-lease serve dashboard: the page's TypeScript (Preact components) bundled into one
// script, with its HTML and style sheet beside it. `pnpm build` writes it into packages/cli/dist/page
// (and the Claude Code plugin's bundle); the dashboard tests build it the same way first.
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const page = fileURLToPath(new URL("../packages/cli/page/", import.meta.url));

/** Writes index.html, app.js and app.css of the dashboard into `outdir`. */
export async function buildPage(outdir: string): Promise<void> {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { app: join(page, "src/main.tsx") },
    outdir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    minify: true,
    legalComments: "eof",
    logLevel: "warning",
    tsconfig: join(page, "tsconfig.json"),
  });
  copyFileSync(join(page, "index.html"), join(outdir, "index.html"));
  copyFileSync(join(page, "app.css"), join(outdir, "app.css"));
}
