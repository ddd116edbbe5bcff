import type { Model } from "../../model.js";
import type { PriceTable } from "../../pricing/price-table.js";
import type { TelemetryOptions } from "../../tracing/tracer.js";
import type { LeaseHost } from "../leases/lease-host.js";
import type { HostLimits } from "./turn-limits.js";

/** What the turn layer needs of the host: everything below it, and the model and its bounds. */
export interface TurnHost extends LeaseHost {
  readonly model: Model;
  readonly limits: HostLimits;
  readonly systemPrompt: string;
  /** What turns are charged at. */
  readonly prices: PriceTable;
  /** What the host's spans say. */
  readonly telemetry: TelemetryOptions;
}
