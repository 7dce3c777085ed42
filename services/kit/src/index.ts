export { baseConfigSpec, type BaseConfig } from "./base-config.ts";
export * from "./config/index.ts";
export * from "./database/index.ts";
export * from "./health/index.ts";
export * from "./logging/index.ts";
export * from "./pagination/index.ts";
export * from "./server/index.ts";
export * from "./validation/index.ts";
export { runService, startService, type RunningService, type ServiceContext, type ServiceDefinition, type ServiceSetup, type StartOptions } from "./run-service.ts";
