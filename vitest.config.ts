import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests run against each package's source, so the test command needs no prior build.
const alias = {
  "@goal-lease/sdk/testing": source("./packages/sdk/src/testing/index.ts"),
  "@goal-lease/sdk": source("./packages/sdk/src/index.ts"),
  "@goal-lease/goal-plugin": source("./packages/goal-plugin/src/index.ts"),
};

const project = (name: string) => ({
  resolve: { alias },
  test: {
    name,
    root: `packages/${name}`,
    include: ["src/**/*.test.ts"],
    setupFiles: [source("./test/console-guard.ts")],
  },
});

export default defineConfig({
  resolve: { alias },
  test: { projects: [project("sdk"), project("goal-plugin")] },
});
