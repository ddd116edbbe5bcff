// Vitest's global setup: one PostgreSQL server for the whole run, its URL provided to the tests
// (`inject("postgresUrl")`); each test store takes a schema of its own on it.
import type { TestProject } from "vitest/node";
import { startPostgres } from "./postgres-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startPostgres();
  project.provide("postgresUrl", server.url);
  return () => server.remove();
}
