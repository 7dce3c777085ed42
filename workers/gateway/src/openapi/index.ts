export { createOpenApiDocument, type OpenApiInfo, type OpenApiOptions } from "./create-openapi-document.ts";
export type { JsonSchema } from "./json-schema.ts";
export { SchemaBuilder, scalarSchema } from "./message-schemas.ts";
export { openApiPath, operationParameters } from "./operation-parameters.ts";
