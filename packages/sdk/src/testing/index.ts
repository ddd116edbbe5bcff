// Its declarations use Node.js types (environment, AbortSignal): @types/node is a dependency.
/// <reference types="node" preserve="true" />
export { FakeClock } from "./fake-clock.js";
export { flushPromises } from "./flush.js";
export {
  ScriptedModel,
  ScriptedModelError,
  type ScriptedReply,
  type ScriptedStep,
} from "./scripted-model.js";
export { settle } from "./settle.js";
export { runStoreContract, type StoreContractOptions } from "./store-contract/store-contract.js";
export { createTestHost, type TestHost, type TestHostOptions } from "./test-host.js";
