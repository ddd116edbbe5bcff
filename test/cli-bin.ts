// The goal-lease binary the process tests run: bundled once for the run, from the sources, by
// test/build-global-setup.ts, in a folder of its own that any user may read.
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** `node <cliBin> ...`; empty when the bundle failed. */
    cliBin: string;
    /** Why the bundle failed, if it did. */
    cliBundleError: string;
  }
}

/** The bundled binary's path; throws, with esbuild's message, when the sources did not bundle. */
export function cliBin(): string {
  const bin = inject("cliBin");
  if (!bin)
    throw new Error(`The goal-lease CLI did not bundle from its sources:\n${inject("cliBundleError")}`);
  return bin;
}
