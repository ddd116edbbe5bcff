import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { Command } from "commander";
import type { CliIo } from "./cli-io.js";

/** A registered OpenTelemetry SDK: `shutdown` sends what is left and unregisters it. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Where traces go: `--otlp URL`, else `$OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (the traces URL itself), else
 * `$OTEL_EXPORTER_OTLP_ENDPOINT` (a base URL); the traces URL, or undefined for no tracing.
 */
export function tracesUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const base = flag ?? (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? undefined : env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (base) return `${base.replace(/\/+$/, "")}/v1/traces`;
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || undefined;
}

/**
 * Registers the OpenTelemetry SDK, exporting spans as OTLP/HTTP JSON to `url`: the SDK's and the goal
 * plugin's spans, which go through `@opentelemetry/api`, are sent from now on. `processors` are added
 * beside the exporter's (a test's counter of open spans).
 */
export function startTracing(url: string, processors: readonly SpanProcessor[] = []): Tracing {
  const exporter = new OTLPTraceExporter({ url });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": "goal-lease", "service.version": "0.1.0" }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1_000 }), ...processors],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  return {
    async shutdown() {
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
      }
    },
  };
}

/**
 * Gives `program` the `--otlp URL` option (any command; `$OTEL_EXPORTER_OTLP_ENDPOINT` too): tracing
 * starts before the command's action and is shut down, its last spans sent, when the command returns or
 * fails.
 */
export function withTracing(program: Command, io: CliIo): Command {
  let tracing: Tracing | undefined;
  program.option("--otlp <url>", "send OpenTelemetry traces over OTLP/HTTP, e.g. http://127.0.0.1:4318");
  program.hook("preAction", () => {
    const url = tracesUrl(program.opts<{ otlp?: string }>().otlp, io.env);
    if (url !== undefined && tracing === undefined) tracing = startTracing(url);
  });
  const parseAsync = program.parseAsync.bind(program);
  program.parseAsync = async (...args: Parameters<Command["parseAsync"]>) => {
    try {
      return await parseAsync(...args);
    } finally {
      const started = tracing;
      tracing = undefined;
      await started?.shutdown();
    }
  };
  return program;
}
