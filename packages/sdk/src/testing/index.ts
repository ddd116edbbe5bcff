export { FakeClock } from "./fake-clock.js";
export { flushPromises } from "./flush.js";
export { type ScriptedReply, ScriptedModel, ScriptedModelError, type ScriptedStep } from "./scripted-model.js";
export { createTestHost, type TestHost, type TestHostOptions } from "./test-host.js";
