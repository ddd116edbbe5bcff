import { existsSync } from "node:fs";
import {
  defaultStoreLocation,
  describeStore,
  GoalLeaseError,
  isPostgresUrl,
  openStore,
} from "@goal-lease/sdk";
import { type CliIo, writeLine } from "../cli-io.js";
import { isLoopback } from "../serve/auth.js";
import { defaultPageDirectory } from "../serve/page-routes.js";
import { generateToken, readSecretFile } from "../serve/secrets.js";
import { startServer } from "../serve/server.js";

/** The flags of `goal-lease serve`. */
export interface ServeCliOptions {
  store?: string;
  host: string;
  port: number;
  tokenFile?: string;
  webhookSecretFile?: string;
  metricsTokenFile?: string;
}

/**
 * `goal-lease serve`: the HTTP API, event stream, webhook and dashboard over the store, until Ctrl-C.
 * Loopback by default; another address only with a token from a file, so a token printed to a terminal
 * is never the only key to a server others can reach.
 */
export async function runServe(io: CliIo, options: ServeCliOptions): Promise<number> {
  if (!isLoopback(options.host) && options.tokenFile === undefined) {
    throw new GoalLeaseError({
      code: "token_required",
      message: `--host ${options.host} is reachable from other machines; pass --token-file FILE too (or drop --host to stay on 127.0.0.1).`,
    });
  }
  const token =
    options.tokenFile === undefined ? generateToken() : readSecretFile(options.tokenFile, "--token-file");
  const webhookSecret =
    options.webhookSecretFile === undefined
      ? undefined
      : readSecretFile(options.webhookSecretFile, "--webhook-secret-file");
  const metricsToken =
    options.metricsTokenFile === undefined
      ? undefined
      : readSecretFile(options.metricsTokenFile, "--metrics-token-file");
  const location = options.store ?? defaultStoreLocation(io.env);
  if (!isPostgresUrl(location) && !existsSync(location)) {
    throw new GoalLeaseError({
      code: "store_missing",
      message: `No store at ${location}; run goal-lease run or chat first, or pass --store with the store your goals use.`,
    });
  }
  const store = await openStore(location);
  try {
    const server = await startServer({
      store,
      token,
      metricsToken,
      webhookSecret,
      host: options.host,
      port: options.port,
      pageDirectory: defaultPageDirectory,
    }).catch((error: NodeJS.ErrnoException) => {
      throw listenFailure(error, options);
    });
    const shown =
      options.tokenFile === undefined ? `/?token=${token}` : "/?token=<the token in --token-file>";
    writeLine(io.stdout, `goal-lease serve: goals of ${describeStore(location)}`);
    writeLine(io.stdout, `Open ${server.origin}${shown}`);
    if (webhookSecret !== undefined) {
      writeLine(io.stdout, `Webhook: POST ${server.origin}/hooks/wake/<session> with X-Goal-Lease-Secret`);
    }
    writeLine(io.stdout, `Metrics: GET ${server.origin}/metrics with Authorization: Bearer <token>`);
    writeLine(io.stdout, "Ctrl-C stops the server.");
    await new Promise<void>((resolve) => {
      const remove = io.onInterrupt(() => {
        remove();
        resolve();
      });
    });
    await server.close();
    return 0;
  } finally {
    await store.close();
  }
}

/** Why the server could not listen, in words that say what to do. */
function listenFailure(error: NodeJS.ErrnoException, options: ServeCliOptions): Error {
  const where = `${options.host}:${options.port}`;
  if (error.code === "EADDRINUSE") {
    return new GoalLeaseError({
      code: "port_in_use",
      message: `${where} is in use (another goal-lease serve?); pass --port with another port, or --port 0 for any free one.`,
    });
  }
  if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") {
    return new GoalLeaseError({
      code: "bad_host",
      message: `${options.host} is not an address of this machine; pass --host with one (127.0.0.1 by default).`,
    });
  }
  if (error.code === "EACCES") {
    return new GoalLeaseError({
      code: "port_denied",
      message: `${where} needs privileges to listen on; pass --port 1024 or higher.`,
    });
  }
  return error;
}
