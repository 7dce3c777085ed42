export { createLogger, logLevels, type LogLevel, type Logger } from "./create-logger.ts";
export { loggingInterceptor } from "./logging-interceptor.ts";
