import { clone, create, createFileRegistry, setExtension, type DescService } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { createRouterTransport, type HandlerContext } from "@connectrpc/connect";
import { http_response, HttpResponseSchema } from "@grpc-edge/proto/grpc_edge/api/v1";
import { IDEMPOTENT_REPLAYED_HEADER } from "@grpc-edge/proto/shared-names";
import { file_user_v1_user, UserService, UserSchema, type CreateUserRequest } from "@grpc-edge/proto/user/v1";
import { describe, expect, it } from "vitest";
import { createApp } from "../create-app.ts";
import { httpBindings } from "./http-bindings.ts";

/** user.v1's UserService with DeleteUser's (grpc_edge.api.v1.http_response) option replaced. */
function userServiceWith(option: { status?: number; location?: string }, method = "DeleteUser"): DescService {
  const proto = clone(FileDescriptorProtoSchema, file_user_v1_user.proto);
  const rpc = proto.service[0]!.method.find((m) => m.name === method)!;
  setExtension(rpc.options!, http_response, create(HttpResponseSchema, option));
  const registry = createFileRegistry(proto, (name) => file_user_v1_user.dependencies.find((d) => d.proto.name === name));
  return registry.getService(UserService.typeName)!;
}

describe("(grpc_edge.api.v1.http_response): the declared success status", () => {
  it("the contract's creates are 201 with a Location template, deletes 204, the rest 200", () => {
    const success = Object.fromEntries(httpBindings([UserService]).map((b) => [b.method.name, b.success]));
    expect(success.CreateUser).toMatchObject({ status: 201, location: { source: "/api/users/{id}" } });
    expect(success.DeleteUser).toEqual({ status: 204 });
    expect(success.UpdateUser).toEqual({ status: 200 });
  });

  it.each<[{ status: number; location?: string }, string]>([
    [{ status: 302 }, "status 302 is not one of 200, 201, 204"],
    [{ status: 500 }, "status 500 is not one of 200, 201, 204"],
    [{ status: 204, location: "/api/users/{id}" }, "location needs status 201"],
    [{ status: 201, location: "/api/users/{nope}" }, 'names "nope", which is not a singular scalar'],
    [{ status: 201, location: "api/users/{id}" }, "must be an absolute path"],
  ])("the gateway refuses to start with %j", (option, message) => {
    // Declared on DeleteUser (response Empty) or, for Location variables, on CreateUser (response User).
    const method = option.location?.includes("{nope}") || option.location === "api/users/{id}" ? "CreateUser" : "DeleteUser";
    expect(() => httpBindings([userServiceWith(option, method)])).toThrow(message);
  });

  it("a create answers 201 with the Location of the new resource; its replay the same status and headers", async () => {
    let replay = false;
    const app = createApp({
      transport: createRouterTransport((router) =>
        router.service(UserService, {
          createUser(req: CreateUserRequest, ctx: HandlerContext) {
            if (replay) ctx.responseHeader.set(IDEMPOTENT_REPLAYED_HEADER, "true");
            return create(UserSchema, { firstName: req.firstName, lastName: req.lastName, email: req.email, id: 42 });
          },
        } as never),
      ),
      services: [UserService],
      log: () => {},
    });
    const post = () =>
      app.request("/api/users", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": "k-1" },
        body: JSON.stringify({ firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" }),
      });
    const first = await post();
    expect(first.status).toBe(201);
    expect(first.headers.get("Location")).toBe("/api/users/42");
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    replay = true;
    const again = await post();
    expect(again.status).toBe(201);
    expect(again.headers.get("Location")).toBe("/api/users/42");
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
  });

  it("a delete answers 204 with no body and no Content-Type", async () => {
    const app = createApp({
      transport: createRouterTransport((router) => router.service(UserService, { deleteUser: () => ({}) } as never)),
      services: [UserService],
      log: () => {},
    });
    const res = await app.request("/api/users/7", { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(res.headers.get("Content-Type")).toBeNull();
    expect(await res.text()).toBe("");
  });
});
