// `@goal-lease/sdk/postgres`: the store for host processes on several machines, through `pg`. An entry of its
// own, so a program on another store loads none of it; `pg` itself loads only when a store is opened, and
// `openStore(location)` loads this entry on use.
export type { PostgresStoreOptions } from "./store/postgres/postgres-open.js";
export { PostgresStore } from "./store/postgres/postgres-store.js";
