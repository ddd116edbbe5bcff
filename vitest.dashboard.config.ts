import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { alias } from "./vitest.config.ts";

// `pnpm test:dashboard`: the goal-lease serve dashboard in a real browser (Debian's chromium, driven by
// playwright-core), against the real server, while goals run in another process.
export default defineConfig({
  resolve: { alias },
  test: {
    root: fileURLToPath(new URL("./packages/cli", import.meta.url)),
    include: ["src/**/*.browser.test.ts"],
    setupFiles: [fileURLToPath(new URL("./test/console-guard.ts", import.meta.url))],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
