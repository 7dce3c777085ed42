import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { httpBindings } from "../workers/gateway/src/transcoding/index.ts";
import { LibraryService } from "../workers/gateway/test/library-service.ts";
import { apiTable, END, protoComments, readmeWithTable, servedServices, START, tableBindings } from "./api-table.ts";

const comments = protoComments();
const table = apiTable(servedServices, comments);
const rows = table.split("\n").slice(2);
const row = (method: string, path: string) => {
  const found = rows.find((r) => r.startsWith(`| \`${method}\` | \`${path}\` |`));
  if (found === undefined) throw new Error(`no row for ${method} ${path} in\n${table}`);
  return found.slice(2, -2).split(" | ");
};

describe("README REST API table", () => {
  it("has one row per google.api.http binding, then the gateway's own routes", () => {
    expect(rows).toHaveLength(httpBindings(servedServices).length + httpBindings(servedServices, "server_streaming").length + 3);
    expect(tableBindings(servedServices).filter((b) => (b.method as { methodKind: string }).methodKind === "server_streaming")).not.toHaveLength(0);
    for (const r of rows) expect(r.match(/(?<!\\)\|/g), r).toHaveLength(8);
    expect(rows.slice(-3).map((r) => r.split(" | ")[1])).toEqual(["`/healthz`", "`/openapi.json`", "`/docs/`"]);
  });

  it.each([
    ["GET", "/api/users/{id}", ["`UserService.GetUserById`", "`fields`", "—", "`user.v1.GetUserResponse`"]],
    ["GET", "/api/users", ["`UserService.GetAllUsers`", "`pageSize`, `pageToken`, `fields`", "—", "`user.v1.GetAllUsersResponse`"]],
    // The declared success status and Location (grpc_edge.api.v1.http_response).
    ["POST", "/api/users", ["`UserService.CreateUser`", "—", "`user.v1.CreateUserRequest`", "`201` `user.v1.User`, `Location: /api/users/{id}`"]],
    ["PATCH", "/api/users/{id}", ["`UserService.UpdateUser`", "—", "`user.v1.UpdateUserRequest` without `id`, `updateMask`, any subset"]],
    ["POST", "/api/users/{userId}/orders", ["`OrderService.CreateOrder`", "—", "`orders.v1.CreateOrderRequest` without `userId`"]],
    ["POST", "/api/orders/{id}:cancel", ["`OrderService.CancelOrder`", "—", "—", "`orders.v1.Order`", "Cancels a placed order; cancelling a cancelled order is a no-op."]],
    ["DELETE", "/api/users/{id}", ["`UserService.DeleteUser`", "—", "—", "`204` no body"]],
    // A server stream, served as Server-Sent Events or NDJSON (workers/gateway/src/streaming/).
    [
      "GET",
      "/api/users/{userId}/orders:watch",
      ["`OrderService.WatchOrders`", "`afterEventId`", "—", "`text/event-stream` or `application/x-ndjson`: a stream of `orders.v1.OrderEvent`, resumed by `Last-Event-ID`"],
    ],
  ])("%s %s: %j", (method, path, cells) => {
    expect(row(method, path).slice(2, 2 + cells.length)).toEqual(cells);
  });

  it("takes descriptions from the proto comments, joined onto one line", () => {
    const [, , , , , , what] = row("POST", "/api/users/{userId}/orders");
    expect(what).toBe(
      "Places an order for an existing user and item (unknown user: NOT_FOUND; unknown item: INVALID_ARGUMENT on item_id).",
    );
  });

  it("describes an RPC without a comment by its name", () => {
    const library = apiTable([LibraryService], () => undefined).split("\n");
    expect(library.find((l) => l.includes("`LibraryService.CreateBook`"))).toMatch(/ \| Create book\. \|$/);
  });

  it("renders any annotated service: written-out path variables, body fields, response_body, escaped pipes", () => {
    const library = apiTable([LibraryService], () => "a | b").split("\n");
    expect(library).toContain(
      "| `POST` | `/v1/shelves/{shelvesId}/books` | `LibraryService.CreateBook` | `requestId` | `book` field: `library.v1.Book` | `library.v1.Book` | a \\| b |",
    );
    expect(library).toContain(
      "| `POST` | `/v1/shelves/{shelvesId}/books/{booksId}:archive` | `LibraryService.ArchiveBook` | — | `library.v1.ArchiveBookRequest` without `name` | `book` of `library.v1.ArchiveBookResponse` | a \\| b |",
    );
    expect(library.some((l) => l.includes("Ping"))).toBe(false);
  });

  it("replaces only what is between the markers", () => {
    const readme = `intro\n${START}\nold table\n${END}\noutro\n`;
    expect(readmeWithTable(readme, "T")).toBe(`intro\n${START}\nT\n${END}\noutro\n`);
    expect(() => readmeWithTable("no markers", "T")).toThrow(/markers/);
  });

  it("is up to date in README.md (`node scripts/api-table.ts --check`; fix with --write)", () => {
    const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
    expect(readme).toBe(readmeWithTable(readme, table));
    // The CLI check CI can run on its own: exit 0 now, and it would exit 1 on any drift (above).
    const script = fileURLToPath(new URL("./api-table.ts", import.meta.url));
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  });
});
