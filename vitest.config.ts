import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { repositoryPath, sourceEntries } from "./test/sources.ts";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests run against each package's source, so the test command needs no prior build.
export const alias = Object.entries(sourceEntries).map(([name, path]) => ({
  find: new RegExp(`^${name.replaceAll("/", "\\/")}$`),
  replacement: repositoryPath(path),
}));

const roots = [
  "packages/sdk",
  "packages/goal-plugin",
  "packages/cli",
  "packages/openclaw",
  "examples/countdown-plugin",
  "examples/embed-host",
];

export default defineConfig({
  resolve: { alias },
  test: {
    // One PostgreSQL server for the run: the stores' contract suites run on it as on SQLite and memory.
    // And, built once before any test, what tests run as processes: the CLI bundled, the packages' dist.
    globalSetup: [source("./test/postgres-global-setup.ts"), source("./test/build-global-setup.ts")],
    projects: roots
      .filter((root) => existsSync(source(`./${root}/package.json`)))
      .map((root) => ({
        resolve: { alias },
        test: {
          name: root.split("/").at(-1),
          root,
          include: ["src/**/*.test.ts"],
          // The dashboard's real-browser tests need Chromium: `pnpm test:dashboard` runs them.
          exclude: ["src/**/*.browser.test.ts"],
          setupFiles: [source("./test/console-guard.ts")],
        },
      })),
  },
});
