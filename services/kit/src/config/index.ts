export { ConfigError } from "./config-error.ts";
export { env, type EnvVar } from "./env-var.ts";
export { loadConfig, type ConfigOf, type ConfigSpec } from "./load-config.ts";
