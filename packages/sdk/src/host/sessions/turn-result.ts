import type { TurnOutcome, TurnUsage } from "../../plugin.js";
import type { TurnKind } from "../../session-context.js";

/** What a finished turn produced. */
export interface TurnResult {
  turnId: string;
  kind: TurnKind;
  outcome: TurnOutcome;
  /** The model's last text of the turn. SECURITY: model output. */
  text: string;
  usage: TurnUsage;
}
