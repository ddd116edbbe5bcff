// Its declarations use Node.js types (environment, AbortSignal): @types/node is a dependency.
/// <reference types="node" preserve="true" />
export type { CliIo } from "./cli-io.js";
export { createDemoModel } from "./demo-model.js";
export { type ExitCode, exitCodes } from "./exit-codes.js";
export { createProgram } from "./program.js";
