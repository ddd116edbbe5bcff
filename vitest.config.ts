import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests run against each package's source, so the test command needs no prior build.
const entries: Record<string, string> = {
  "@goal-lease/sdk": "./packages/sdk/src/index.ts",
  "@goal-lease/sdk/testing": "./packages/sdk/src/testing/index.ts",
  "@goal-lease/sdk/openai": "./packages/sdk/src/models/openai-model.ts",
  "@goal-lease/sdk/anthropic": "./packages/sdk/src/models/anthropic-model.ts",
  "@goal-lease/goal-plugin": "./packages/goal-plugin/src/index.ts",
};
export const alias = Object.entries(entries).map(([name, path]) => ({
  find: new RegExp(`^${name.replaceAll("/", "\\/")}$`),
  replacement: source(path),
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
    globalSetup: [source("./test/postgres-global-setup.ts")],
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
