import { toJson, type JsonWriteOptions } from "@bufbuild/protobuf";
import type { CallOptions, Client } from "@connectrpc/connect";
import {
  GetAllUsersResponseSchema,
  GetUserResponseSchema,
  type UserService,
} from "@grpc-edge/proto/user/v1";
import type { Context, Hono } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { methodNotAllowed } from "../http/method-not-allowed.ts";
import { parseUserId } from "./parse-user-id.ts";

export interface UserRoutesOptions {
  users: Client<typeof UserService>;
  timeoutMs: number;
}

// Every field is always present (`"orders": []`, not a missing key) so REST clients
// get one stable shape; otherwise this is plain proto3 canonical JSON.
const jsonOptions: Partial<JsonWriteOptions> = { alwaysEmitImplicit: true };

/** REST over UserService: bodies are exactly the proto3 JSON of the RPC responses. */
export function userRoutes(app: Hono<AppEnv>, { users, timeoutMs }: UserRoutesOptions): void {
  const callOptions = (c: Context<AppEnv>): CallOptions => ({
    timeoutMs,
    headers: { "x-request-id": c.get("requestId") },
    // Where the runtime aborts it, a client that gives up cancels the upstream call too.
    signal: c.req.raw.signal,
  });

  app.get("/api/users", async (c) => {
    const res = await users.getAllUsers({}, callOptions(c));
    return c.json(toJson(GetAllUsersResponseSchema, res, jsonOptions));
  });

  app.get("/api/users/:id", async (c) => {
    const id = parseUserId(c.req.param("id"));
    const res = await users.getUserById({ id }, callOptions(c));
    return c.json(toJson(GetUserResponseSchema, res, jsonOptions));
  });

  app.all("/api/users", methodNotAllowed(["GET", "HEAD"]));
  app.all("/api/users/:id", methodNotAllowed(["GET", "HEAD"]));
}
