import { describe, expect, it } from "vitest";
import { requestUrlParts } from "./request-url.ts";

describe("requestUrlParts", () => {
  // Each one as the WHATWG URL parser sees it: the answer must match URL.pathname and URL.search.
  it.each([
    "https://api.example.com/api/users/7",
    "https://api.example.com/api/users?page_size=50&page_token=abc",
    "http://127.0.0.1:8787/api/users/7/orders:cancel",
    "https://api.example.com/api/items/a%2Fb?fields=id%2Cname",
    "https://api.example.com/api/users/%E2%82%AC?q=%3F#frag",
    "https://api.example.com/?",
    "https://api.example.com/",
    "https://api.example.com",
    "https://user:pw@api.example.com:8443/x/y?z=1",
  ])("%s", (raw) => {
    const url = new URL(raw);
    expect(requestUrlParts(url.href)).toEqual({ pathname: url.pathname, search: url.search.replace(/^\?/, "") });
  });
});
