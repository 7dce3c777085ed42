// openapi-typescript, with the TypeScript it needs: this workspace's own typescript@5 (its
// output is printed with TypeScript's compiler API, which the repository's TypeScript 7 lacks).
import openapiTS, { astToString } from "openapi-typescript";

/** TypeScript types (`paths`, `components`) of an OpenAPI 3.x document, as source text. */
export async function openApiTypes(document: object): Promise<string> {
  return astToString(await openapiTS(document as Parameters<typeof openapiTS>[0]));
}
