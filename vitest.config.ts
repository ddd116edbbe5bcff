import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests run against each package's source, so the test command needs no prior build.
const alias = {
  "@goal-lease/sdk/testing": source("./packages/sdk/src/testing/index.ts"),
  "@goal-lease/sdk": source("./packages/sdk/src/index.ts"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "sdk",
          root: "packages/sdk",
          include: ["src/**/*.test.ts"],
          setupFiles: [source("./test/console-guard.ts")],
          typecheck: { enabled: true, include: ["src/**/*.test-d.ts"], tsconfig: "./tsconfig.test.json" },
        },
      },
    ],
  },
});
