export { validationInterceptor } from "./validation-interceptor.ts";
export { fieldViolation, violationsError } from "./violations-error.ts";
