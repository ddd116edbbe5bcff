import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { repositoryPath, sourceEntries } from "../../../test/sources.ts";
import { ArgumentError, parseCount } from "./control.js";

describe("@goal-lease/goal-plugin/control", () => {
  it("bundles for a browser with none of the SDK but its error classes", async () => {
    // As the dashboard's page bundles it, from the sources.
    const bundled = await build({
      entryPoints: [repositoryPath("packages/goal-plugin/src/control.ts")],
      absWorkingDir: repositoryPath(""),
      bundle: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "browser",
      logLevel: "silent",
      plugins: [
        {
          name: "workspace-sources",
          setup(bundle) {
            bundle.onResolve({ filter: /^@goal-lease\// }, ({ path }) => {
              const source = sourceEntries[path];
              return source === undefined ? undefined : { path: repositoryPath(source) };
            });
          },
        },
      ],
    });
    const sdk = Object.keys(bundled.metafile.inputs).filter((input) => input.includes("packages/sdk/"));
    expect(sdk).toEqual(["packages/sdk/src/errors.ts"]);
  });

  it("throws a usage mistake as an ArgumentError, one of the SDK's errors", async () => {
    const { GoalLeaseError } = await import("@goal-lease/sdk/errors");
    const error = (() => {
      try {
        parseCount("abc", "--max-turns", 10);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error).toBeInstanceOf(GoalLeaseError);
    expect(error).toMatchObject({ name: "ArgumentError", code: "invalid_argument" });
  });
});
