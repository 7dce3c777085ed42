import { create, toJson } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import { UpdateUserRequestSchema, UserSchema, UserService, type UpdateUserRequest } from "@grpc-edge/proto/user/v1";
import { describe, expect, it } from "vitest";
import { createLibraryService, LibraryService } from "../../test/library-service.ts";
import { createApp } from "../create-app.ts";

// PATCH with field masks (AIP-134): what reaches UpdateUser for each request.
function setup() {
  const received: unknown[] = [];
  const app = createApp({
    transport: createRouterTransport((router) =>
      router.service(UserService, {
        updateUser(req: UpdateUserRequest) {
          received.push(toJson(UpdateUserRequestSchema, req));
          return create(UserSchema, { id: req.id });
        },
      } as never),
    ),
    services: [UserService],
    log: () => {},
  });
  const patch = (path: string, body: unknown) =>
    app.request(path, { method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return { patch, received };
}

describe("PATCH fills update_mask", () => {
  it("from the keys of the body when the client sends none (camelCase or proto names)", async () => {
    const { patch, received } = setup();
    expect((await patch("/api/users/7", { lastName: "Byron", email: "ada@example.com" })).status).toBe(200);
    expect((await patch("/api/users/7", { first_name: "Ada" })).status).toBe(200);
    expect(received).toEqual([
      { id: 7, lastName: "Byron", email: "ada@example.com", updateMask: "lastName,email" },
      { id: 7, firstName: "Ada", updateMask: "firstName" },
    ]);
  });

  it("an explicit ?updateMask= wins: body fields it does not name are sent but not in the mask", async () => {
    const { patch, received } = setup();
    expect((await patch("/api/users/7?updateMask=email", { lastName: "Byron", email: "ada@example.com" })).status).toBe(200);
    expect(received).toEqual([{ id: 7, lastName: "Byron", email: "ada@example.com", updateMask: "email" }]);
  });

  it("an empty body changes nothing and sends no mask", async () => {
    const { patch, received } = setup();
    expect((await patch("/api/users/7", {})).status).toBe(200);
    expect(received).toEqual([{ id: 7 }]);
  });

  it.each([
    ["a key set to null", "/api/users/7", { firstName: null, email: "a@example.com" }, "firstName"],
    ["a masked field absent from the body", "/api/users/7?updateMask=lastName,email", { email: "a@example.com" }, "lastName"],
  ])("%s would clear it: 400 naming the rule that forbids an empty value, no upstream call", async (_, path, body, field) => {
    const { patch, received } = setup();
    const res = await patch(path, body);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { violations: { field: string; message: string }[] };
    expect(problem.violations).toEqual([{ field, message: expect.stringContaining("[string.min_len]") }]);
    expect(problem.violations[0]!.message).toContain("cannot be cleared");
    expect(received).toEqual([]);
  });

  it.each([
    ["/api/users/7?updateMask=nickname", "nickname"],
    ["/api/users/7?updateMask=id", "id"],
  ])("%s: a path that is not an updatable field → 400 naming it", async (path, name) => {
    const { patch, received } = setup();
    const res = await patch(path, { email: "a@example.com" });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { violations: { field: string; message: string }[] };
    expect(problem.violations).toEqual([{ field: "updateMask", message: expect.stringContaining(`"${name}"`) }]);
    expect(received).toEqual([]);
  });
});

describe("update_mask of a body bound to one field (library.v1 UpdateBook, body: book)", () => {
  it("names the keys of that field's JSON, not the path-bound name; a clearable field may be null", async () => {
    const library = createLibraryService();
    const app = createApp({ transport: createRouterTransport((router) => router.service(LibraryService, library.impl as never)), services: [LibraryService], log: () => {} });
    const res = await app.request("/v1/shelves/1/books/1", {
      method: "PATCH",
      headers: { "Content-Type": "application/json" },
      // author has no rule: null clears it.
      body: JSON.stringify({ title: "Dune Messiah", author: null }),
    });
    expect(res.status).toBe(200);
    const [call] = library.calls;
    expect(call?.method).toBe("UpdateBook");
    expect((call!.request.updateMask as { paths: string[] }).paths).toEqual(["title", "author"]);
  });
});
