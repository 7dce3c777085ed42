// An OpenAPI-generated client works against the real thing: types generated at test time from
// the gateway's own /openapi.json (openapi-typescript), a typed program using them with
// openapi-fetch compiled by the repository's tsc (misuse must not compile), then that program's
// CRUD session run through workerd and both services (PGlite).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { testServiceEnv } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerFor } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";
import { openApiTypes } from "@grpc-edge/openapi-codegen";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
let order: RunningService;
let user: RunningService;
let gateway: RunningGateway;
let dir: string;

beforeAll(async () => {
  order = await startService(orderServiceDefinition, testServiceEnv({ SEED_DEMO_DATA: "true" }));
  user = await startService(userServiceDefinition, testServiceEnv({ SEED_DEMO_DATA: "true", ORDER_SERVICE_URL: order.url }));
  gateway = await startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url });
  // Inside the repository (.cache/ is ignored by git), so the program resolves openapi-fetch.
  mkdirSync(path.join(repoRoot, ".cache"), { recursive: true });
  dir = mkdtempSync(path.join(repoRoot, ".cache", "openapi-client-"));
});
afterAll(async () => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  await gateway?.stop();
  await user?.stop(1_000);
  await order?.stop(1_000);
});

// The client program, as a user of the API would write it.
const session = `
import createClient from "openapi-fetch";
import type { paths } from "./api.ts";

export async function crudSession(baseUrl: string, authorization: string, email: string) {
  const api = createClient<paths>({ baseUrl, headers: { authorization } });
  const created = await api.POST("/api/users", { body: { firstName: "Opal", lastName: "Client", email } });
  const id = created.data?.id;
  if (id === undefined) throw new Error("create: " + JSON.stringify(created.error));
  const read = await api.GET("/api/users/{id}", { params: { path: { id }, query: { fields: "id,firstName" } } });
  // The body's keys are the update mask: only lastName changes.
  const patched = await api.PATCH("/api/users/{id}", { params: { path: { id } }, body: { lastName: "Patched" } });
  const deleted = await api.DELETE("/api/users/{id}", { params: { path: { id } } });
  const gone = await api.GET("/api/users/{id}", { params: { path: { id } } });
  return {
    created: { status: created.response.status, location: created.response.headers.get("location"), id },
    read: { status: read.response.status, data: read.data },
    patched: { status: patched.response.status, data: patched.data },
    deleted: { status: deleted.response.status, data: deleted.data },
    gone: { status: gone.response.status, error: gone.error },
  };
}

// The generated types bite: each of these must fail to compile.
export function misuse(api: ReturnType<typeof createClient<paths>>) {
  // @ts-expect-error firstName is a string
  void api.POST("/api/users", { body: { firstName: 42, lastName: "b", email: "c@example.com" } });
  // @ts-expect-error an order's amount is a number
  void api.POST("/api/users/{userId}/orders", { params: { path: { userId: 1 } }, body: { itemId: 1, amount: "two" } });
  // @ts-expect-error the create body requires email
  void api.POST("/api/users", { body: { firstName: "a", lastName: "b" } });
  // @ts-expect-error the path needs its id
  void api.GET("/api/users/{id}", { params: { path: {} } });
}
`;

const tsconfig = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: "es2023",
    module: "nodenext",
    moduleResolution: "nodenext",
    allowImportingTsExtensions: true,
    lib: ["es2023", "dom"],
    types: [],
    skipLibCheck: true,
  },
  files: ["session.ts"],
};

describe("a client generated from /openapi.json", () => {
  it("compiles: typed paths, bodies and parameters, and misuse is a type error", async () => {
    const document = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as object;
    const types = await openApiTypes(document);
    expect(types).toContain('"/api/users/{id}"');
    writeFileSync(path.join(dir, "api.ts"), types);
    writeFileSync(path.join(dir, "session.ts"), session);
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
    const tsc = path.join(repoRoot, "node_modules/.bin/tsc");
    let output = "";
    try {
      execFileSync(tsc, ["-p", dir], { encoding: "utf8", timeout: 120_000 });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe("");
  });

  it("runs a CRUD session: create → 201 + Location, read with fields, patch by the body's keys, delete → 204", async () => {
    const { crudSession } = (await import(pathToFileURL(path.join(dir, "session.ts")).href)) as {
      crudSession: (baseUrl: string, authorization: string, email: string) => Promise<any>;
    };
    const { authorization } = (await bearerFor("1", "admin")) as { authorization: string };
    const result = await crudSession(gateway.url, authorization, `opal.${Date.now()}@example.com`);
    const { id } = result.created;
    expect(result.created).toEqual({ status: 201, location: `/api/users/${id}`, id: expect.any(Number) });
    expect(result.read).toEqual({ status: 200, data: { user: { id, firstName: "Opal" } } });
    expect(result.patched).toMatchObject({ status: 200, data: { id, firstName: "Opal", lastName: "Patched" } });
    expect(result.deleted).toEqual({ status: 204, data: undefined });
    expect(result.gone).toMatchObject({ status: 404, error: { code: "not_found" } });
  });
});
