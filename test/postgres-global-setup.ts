// Vitest's global setup: one PostgreSQL server for the whole run, its URL provided to the tests
// (`inject("postgresUrl")`); each test store takes a schema of its own on it. The server's data is
// thrown away with it, so it runs with the settings of a throwaway server (nothing waits for the disk).
import type { TestProject } from "vitest/node";
import { startPostgres, throwawaySettings } from "./postgres-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startPostgres({ settings: throwawaySettings });
  project.provide("postgresUrl", server.url);
  return () => server.remove();
}
