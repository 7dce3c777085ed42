export { createOpenApiDocument, type OpenApiInfo } from "./create-openapi-document.ts";
export type { JsonSchema } from "./json-schema.ts";
export { SchemaBuilder, scalarSchema } from "./message-schemas.ts";
export { openApiPath, operationParameters } from "./operation-parameters.ts";
