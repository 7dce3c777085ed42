export { baseConfigSpec, type BaseConfig } from "./base-config.ts";
export * from "./config/index.ts";
export * from "./database/index.ts";
export * from "./health/index.ts";
export * from "./logging/index.ts";
export * from "./server/index.ts";
export { runService, startService, type RunningService, type ServiceContext, type ServiceDefinition, type ServiceSetup } from "./run-service.ts";
