import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type ImportGraph, importGraphProblems, readImportGraph } from "../../../scripts/import-graph.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));

const graph = (...imports: [from: string, to: string][]): ImportGraph => ({
  packages: new Map([
    ["packages/sdk", "@goal-lease/sdk"],
    ["packages/goal-plugin", "@goal-lease/goal-plugin"],
    ["packages/cli", "@goal-lease/cli"],
    ["packages/openclaw", "@goal-lease/openclaw"],
  ]),
  edges: imports.map(([from, to], index) => ({ from, line: index + 1, to })),
});

describe("the workspace's import graph", () => {
  it("keeps the package layering and the host's order, and has no import circle", () => {
    expect(importGraphProblems(readImportGraph(root))).toEqual([]);
  }, 60_000);

  it("names each file of a circle, type-only imports included, and the line that closes it", () => {
    const circle = graph(
      ["packages/sdk/src/store/sqlite-store.ts", "packages/sdk/src/store/sqlite-open.ts"],
      ["packages/sdk/src/store/sqlite-open.ts", "packages/sdk/src/store/sqlite-store.ts"],
    );
    expect(importGraphProblems(circle)).toEqual([
      "import circle: packages/sdk/src/store/sqlite-open.ts:2 → packages/sdk/src/store/sqlite-store.ts:1 → packages/sdk/src/store/sqlite-open.ts",
    ]);
  });

  it("names an import of a package above the importer's", () => {
    const upward = graph(
      ["packages/goal-plugin/src/goal.ts", "packages/sdk/src/index.ts"],
      ["packages/sdk/src/host/host.ts", "packages/goal-plugin/src/index.ts"],
      ["packages/goal-plugin/src/goal.ts", "packages/cli/src/program.ts"],
      ["packages/cli/src/program.ts", "packages/openclaw/src/extension.ts"],
    );
    expect(importGraphProblems(upward)).toEqual([
      "packages/sdk/src/host/host.ts:2 imports packages/goal-plugin/src/index.ts: @goal-lease/sdk may import none of the workspace's packages, not @goal-lease/goal-plugin",
      "packages/goal-plugin/src/goal.ts:3 imports packages/cli/src/program.ts: @goal-lease/goal-plugin may import @goal-lease/sdk, not @goal-lease/cli",
      "packages/cli/src/program.ts:4 imports packages/openclaw/src/extension.ts: @goal-lease/cli may import @goal-lease/goal-plugin and @goal-lease/sdk, not @goal-lease/openclaw",
    ]);
  });

  it("names a host part's import of a part to its right, or of the host's wiring", () => {
    const host = "packages/sdk/src/host";
    const order = graph(
      [`${host}/turns/run-turn.ts`, `${host}/leases/admission.ts`],
      [`${host}/sessions/session-state.ts`, `${host}/turns/input-tokens.ts`],
      [`${host}/host.ts`, `${host}/turns/run-turn.ts`],
      [`${host}/plugins/plugin-host.ts`, `${host}/host.ts`],
      [`${host}/turns/session-queue.ts`, `${host}/idle-tracker.ts`],
    );
    expect(importGraphProblems(order)).toEqual([
      `${host}/sessions/session-state.ts:2 imports ${host}/turns/input-tokens.ts: host/sessions/ may import no other part`,
      `${host}/plugins/plugin-host.ts:4 imports ${host}/host.ts: host/plugins/ may import only sessions/`,
    ]);
  });
});
