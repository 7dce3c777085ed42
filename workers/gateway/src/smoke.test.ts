import { createRouterTransport } from "@connectrpc/connect";
import { it } from "vitest";
import { createLibraryService, LibraryService } from "../test/library-service.ts";
import { createApp } from "./create-app.ts";
it("smoke", async () => {
  const lib = createLibraryService();
  const app = createApp({ transport: createRouterTransport((r) => r.service(LibraryService, lib.impl as never)), services: [LibraryService], timeoutMs: 1000, log: () => {} });
  for (const [m, p, b] of [["GET", "/v1/shelves/1/books/1"], ["GET", "/v1/books/shelves/1/books/1"], ["GET", "/v1/shelves/1/books?tags=a&tags=b&genre=GENRE_POETRY&filter.author=x&filter.publishedAfter=2020-01-01T00:00:00Z&genres=1&genres=GENRE_FICTION&page_size=5"],
     ["POST", "/v1/shelves/2/books?requestId=r1", JSON.stringify({ title: "New", pageCount: "12", publish_time: "2020-01-01T00:00:00Z" })],
     ["PATCH", "/v1/shelves/1/books/1?updateMask=title", JSON.stringify({ title: "Dune II", name: "ignored" })],
     ["POST", "/v1/shelves/1/books/1:archive", ""], ["GET", "/v1/shelves/1/books/1:archive"], ["DELETE", "/v1/shelves/1/books/1"],
     ["GET", "/v1/shelves/1/books?page_size=500&bogus=1&genre=NOPE"], ["GET", "/openapi.json"]] as const) {
    const res = await app.request(p, { method: m, ...(b !== undefined ? { body: b, headers: { "content-type": "application/json" } } : {}) });
    console.log(m, p, res.status, res.headers.get("allow") ?? "", (await res.text()).slice(0, 400));
  }
  console.log(JSON.stringify(lib.calls.map((c) => [c.method, c.request])).slice(0, 1500), (x => x)(0));
});
