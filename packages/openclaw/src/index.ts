import { goalLeaseEntry } from "./goal-entry.js";

export { bridgeStorePath, OpenClawBridge } from "./bridge.js";
export { defineOpenClawEntry, type OpenClawEntryOptions } from "./entry.js";
export { defaultOpenClawCommandName, goalLeaseEntry } from "./goal-entry.js";
export type * from "./openclaw-api.js";

/** OpenClaw loads this: the /goal plugin, ready to run in the gateway. */
export default goalLeaseEntry;
