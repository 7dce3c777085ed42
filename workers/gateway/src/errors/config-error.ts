/**
 * The Worker's environment is unusable. Its message names the setting and the rule it
 * breaks, never the value (it may hold a credential), so it is safe to show callers.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
}
