export { HealthRegistry, ServingStatus } from "./health-registry.ts";
export { healthService } from "./health-service.ts";
