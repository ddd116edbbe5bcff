import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { PostgresStore } from "../src/store/postgres/postgres-store.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's PostgreSQL server, started by the root's global setup. */
    postgresUrl: string;
  }
}

/** A store on the run's PostgreSQL server in a schema of its own, so tests never see each other's rows. */
export function freshPostgresStore(): Promise<PostgresStore> {
  return PostgresStore.open(inject("postgresUrl"), { schema: `t_${randomUUID().replaceAll("-", "")}` });
}
