import { describe, expect, it } from "vitest";
import { readTag, writeTags } from "./resource-tags.ts";

describe("readTag", () => {
  it.each<[string, string | undefined]>([
    ["/api/users", "users"],
    ["/api/users/7", "users/7"],
    ["/api/users/%37", "users/7"],
    ["/api/users/7/orders", "users/7"],
    ["/api/orders/5", "orders/5"],
    ["/api/items", "items"],
    ["/api/items/3", "items/3"],
    // Odd spellings and non-ids are not cached: they could dodge invalidation.
    ["/api/users/07", undefined],
    ["/api/users/abc", undefined],
    ["/api/users/%ZZ", undefined],
    ["/api/users/", undefined],
    ["/api/Users/1", undefined],
    ["/healthz", undefined],
    ["/api", undefined],
    ["/openapi.json", undefined],
  ])("%s → %s", (path, tag) => {
    expect(readTag(path)).toBe(tag);
  });
});

describe("writeTags", () => {
  it.each<[string, unknown, string[]]>([
    ["/api/users", { id: 9 }, ["users"]],
    ["/api/users/7", { id: 7 }, ["users", "users/7"]],
    ["/api/users/7", {}, ["users", "users/7"]],
    ["/api/users/7/orders", { id: 12, userId: 7 }, ["users", "users/7"]],
    ["/api/orders/5:cancel", { id: 5, userId: 7 }, ["orders", "orders/5", "users", "users/7"]],
    ["/api/orders/5:cancel", undefined, ["orders", "orders/5"]],
    ["/api/users/abc", null, ["users"]],
    ["/elsewhere", { userId: "7" }, []],
  ])("%s answered %j → %j", (path, answer, tags) => {
    expect(writeTags(path, answer).sort()).toEqual(tags);
  });

  it("every tag a read of the written thing is filed under is among them", () => {
    for (const [write, answer, reads] of [
      ["/api/users/7", {}, ["/api/users", "/api/users/7", "/api/users/7/orders"]],
      ["/api/users/7/orders", { userId: 7 }, ["/api/users", "/api/users/7", "/api/users/7/orders"]],
      ["/api/orders/5:cancel", { userId: 7 }, ["/api/orders/5", "/api/users/7", "/api/users/7/orders", "/api/users"]],
    ] as const) {
      const touched = writeTags(write, answer);
      for (const read of reads) expect(touched).toContain(readTag(read));
    }
  });
});
