// The workspace packages' entry points in their sources. Tests import these (vitest's alias), and the CLI
// the process tests run is bundled from them (test/build-global-setup.ts), so testing needs no prior build.
import { fileURLToPath } from "node:url";

/** Package name (or subpath) to its source file, relative to the repository's root. */
export const sourceEntries: Readonly<Record<string, string>> = {
  "@goal-lease/sdk": "packages/sdk/src/index.ts",
  "@goal-lease/sdk/testing": "packages/sdk/src/testing/index.ts",
  "@goal-lease/sdk/sqlite": "packages/sdk/src/sqlite.ts",
  "@goal-lease/sdk/postgres": "packages/sdk/src/postgres.ts",
  "@goal-lease/sdk/errors": "packages/sdk/src/errors.ts",
  "@goal-lease/sdk/openai": "packages/sdk/src/models/openai-model.ts",
  "@goal-lease/sdk/anthropic": "packages/sdk/src/models/anthropic-model.ts",
  "@goal-lease/goal-plugin": "packages/goal-plugin/src/index.ts",
  "@goal-lease/goal-plugin/control": "packages/goal-plugin/src/control.ts",
};

/** A path in the repository, from its root. */
export const repositoryPath = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
