// `@goal-lease/sdk/sqlite`: the durable store in one SQLite file, through Node's built-in `node:sqlite`. An
// entry of its own, so a program on another store loads none of it; `openStore(location)` loads it on use.
export type { SqliteStoreOptions } from "./store/sqlite/sqlite-open.js";
export { SqliteStore } from "./store/sqlite/sqlite-store.js";
