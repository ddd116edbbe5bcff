const levels = ["off", "error", "warn", "info", "debug"] as const;

/** A log level both provider SDKs accept. */
export type SdkLogLevel = (typeof levels)[number];

/**
 * The log level to give a provider SDK: the one its variable names (OPENAI_LOG, ANTHROPIC_LOG), else off,
 * because library code does not print unless asked to.
 */
export function sdkLogLevel(value: string | undefined): SdkLogLevel {
  return levels.find((level) => level === value) ?? "off";
}
