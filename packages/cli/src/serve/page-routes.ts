import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GoalLeaseError } from "@goal-lease/sdk";
import { Hono } from "hono";
import { refuseOtherMethods } from "./other-methods.js";

/**
 * Where the build puts the page: `dist/page` of this package. The path climbs two folders and comes back
 * into `dist`, so it holds from `src/serve` (tests), from `dist/serve` (the package) and from the Claude
 * Code plugin's bundle, whose chunks sit one folder below the copy of the page beside them.
 */
export const defaultPageDirectory = fileURLToPath(new URL("../../dist/page/", import.meta.url));

const files = {
  "/": { name: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { name: "app.js", type: "text/javascript; charset=utf-8" },
  "/app.css": { name: "app.css", type: "text/css; charset=utf-8" },
} as const;

/**
 * The dashboard: one HTML file, its script and its style sheet, read once at start. They are the same for
 * everyone and carry no data, so they are served without the token; everything they show comes from the
 * API, which requires it.
 */
export function pageRoutes(directory: string): Hono {
  const page = new Hono();
  for (const [path, file] of Object.entries(files)) {
    let body: string;
    try {
      body = readFileSync(join(directory, file.name), "utf8");
    } catch {
      throw new GoalLeaseError({
        code: "page_missing",
        message: `The dashboard page is missing from ${directory}; run pnpm build, or reinstall @goal-lease/cli.`,
      });
    }
    page.get(path, (context) =>
      context.body(body, 200, { "Content-Type": file.type, "Cache-Control": "no-cache" }),
    );
    refuseOtherMethods(page, path, ["GET"]);
  }
  return page;
}
