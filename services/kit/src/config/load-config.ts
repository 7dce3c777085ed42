import { ConfigError } from "./config-error.ts";
import type { EnvVar } from "./env-var.ts";

export type ConfigSpec = Record<string, EnvVar<unknown>>;
export type ConfigOf<S extends ConfigSpec> = { [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

/**
 * Reads and validates every variable of `spec` from `source`. Collects all
 * problems before failing so one start-up attempt shows everything to fix.
 */
export function loadConfig<S extends ConfigSpec>(spec: S, source: Record<string, string | undefined> = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(spec)) {
    const raw = source[name];
    if (raw === undefined || raw === "") {
      if (variable.defaultValue !== undefined || variable.optional) {
        config[name] = variable.defaultValue;
      } else {
        problems.push(`${name} is required: ${variable.description}`);
      }
      continue;
    }
    try {
      config[name] = variable.parse(raw);
    } catch (error) {
      // Echo the value only when it cannot be a secret (URLs may carry passwords).
      const shown = /URL|PASSWORD|SECRET|TOKEN/.test(name) ? "" : ` (got "${raw}")`;
      problems.push(`${name} ${(error as Error).message}${shown}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<S>;
}
