// Random REST requests for the property-based fuzz tests: paths from the real route
// templates (filled with good and bad values, then mutated) plus garbage, every method,
// query strings, headers that lie or are garbage, and bodies from well-formed to hostile.
import fc from "fast-check";

export interface FuzzRequest {
  method: string;
  /** Path and query, as sent (the URL parser may still normalise it). */
  target: string;
  headers: [string, string][];
  /** Raw bytes or text of the body; undefined: none. */
  body?: string | Uint8Array<ArrayBuffer>;
}

/** The API's templates as the README lists them, variables marked by {}. */
export const routeTemplates = [
  "/api/users/{id}",
  "/api/users",
  "/api/users/{id}/orders",
  "/api/items",
  "/api/items/{id}",
  "/api/orders/{id}",
  "/api/orders/{id}:cancel",
  "/healthz",
  "/openapi.json",
] as const;

// Header values must be ByteStrings without CR, LF or NUL to be sendable at all.
const headerChar = fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c));
const headerText = (maxLength = 40) => fc.string({ unit: headerChar, maxLength });
const unicodeText = fc.string({ unit: "grapheme", maxLength: 20 });

const idValue = fc.oneof(
  fc.integer({ min: 1, max: 5 }).map(String),
  fc.constantFrom("0", "-1", "2147483647", "2147483648", "99999999999999999999", "1.5", "1e3", "+1", "01", "0x10", " 1", "NaN"),
  fc.constantFrom("abc", "%", "%zz", "%00", "%C3%28", "%F0%9F%98%80", "..", ".", "", "%2F", "1%2F2", "1:cancel", ":", "ü", "💥"),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);

const filledTemplate = fc
  .tuple(fc.constantFrom(...routeTemplates), idValue)
  .map(([template, id]) => template.replace("{id}", id));

/** Small edits that real clients and attackers make to real paths. */
const mutatedPath = fc.tuple(filledTemplate, fc.integer({ min: 0, max: 7 }), unicodeText).map(([path, how, extra]) => {
  switch (how) {
    case 0:
      return `${path}/`;
    case 1:
      return path.replace("/api/", "/api//");
    case 2:
      return path.toUpperCase();
    case 3:
      return `${path}/${encodeURIComponent(extra)}`;
    case 4:
      return `${path}:${extra.replace(/[/?#]/g, "")}`;
    case 5:
      return path.replace(/\/[^/]*$/, "/..");
    case 6:
      return `${path};jsessionid=1`;
    default:
      return path;
  }
});

const garbagePath = fc.oneof(
  fc.webPath(),
  fc.string({ maxLength: 30 }).map((s) => `/${s.replace(/[?#]/g, "")}`),
  fc.constantFrom("/", "/api", "/api/", "/docs", "/docs/", "/%", "/api/%E0%A4%A", "//api/users"),
);

export const pathArb = fc.oneof({ weight: 3, arbitrary: filledTemplate }, { weight: 2, arbitrary: mutatedPath }, { weight: 1, arbitrary: garbagePath });

const queryKey = fc.constantFrom("pageSize", "page_size", "pageToken", "page_token", "id", "userId", "user.id", "unknown", "", "pageSize[]", "%");
const queryValue = fc.oneof(
  fc.constantFrom("0", "1", "50", "500", "501", "-1", "1e2", "99999999999999999999", "abc", "", "eyJ2IjoxfQ", "%zz", "💥"),
  fc.string({ maxLength: 20 }),
);
export const queryArb = fc.oneof(
  fc.constant(""),
  fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }).map((pairs) => {
    const q = new URLSearchParams(pairs).toString();
    return q === "" ? "" : `?${q}`;
  }),
  fc.constantFrom("?", "?&&", "?=", "?pageSize", "?pageSize=1&pageSize=2", "?%zz=1", "?page_size=%FF"),
);

export const methodArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant("GET") },
  { weight: 6, arbitrary: fc.constantFrom("POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS") },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z]{1,10}$/).filter((m) => !["CONNECT", "TRACE", "TRACK"].includes(m.toUpperCase())) },
);

export interface TokenSet {
  /** Verifying tokens: an admin, user 1, user 2, one with no sub's rights. */
  valid: readonly string[];
  /** Signed with the wrong key, expired, alg none… */
  invalid: readonly string[];
}

export function headersArb(tokens: TokenSet): fc.Arbitrary<[string, string][]> {
  const contentType = fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=latin1",
    'application/json; charset="UTF-8"',
    "application/merge-patch+json",
    "application/problem+json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "",
    ";;;",
  );
  const authorization = fc.oneof(
    fc.constantFrom(...tokens.valid).map((t) => `Bearer ${t}`),
    fc.constantFrom(...tokens.invalid).map((t) => `Bearer ${t}`),
    fc.constantFrom("Bearer", "Bearer ", "bearer x.y.z", "Basic dXNlcjpwYXNz", "Bearer a.b", "Bearer ....", "Bearer ey.ey.sig"),
    headerText(60).map((t) => `Bearer ${t}`),
    headerText(60),
  );
  const header = fc.oneof(
    fc.tuple(fc.constant("content-type"), contentType),
    fc.tuple(fc.constant("content-length"), fc.constantFrom("0", "1", "-1", "abc", "65537", "99999999999999999999", "1e9", " 5")),
    fc.tuple(fc.constant("idempotency-key"), fc.oneof(fc.uuid(), headerText(300), fc.constant(""))),
    fc.tuple(fc.constant("x-request-id"), headerText(150)),
    fc.tuple(fc.constant("if-none-match"), fc.oneof(headerText(), fc.constantFrom("*", '"abc"', 'W/"x"'))),
    fc.tuple(fc.constant("origin"), fc.constantFrom("https://app.example.com", "https://evil.example", "null", "")),
    fc.tuple(fc.constant("access-control-request-method"), fc.constantFrom("GET", "POST", "DELETE", "X")),
    fc.tuple(fc.constant("accept"), fc.constantFrom("application/json", "text/html", "*/*", "")),
    fc.tuple(fc.constant("x-user-id"), fc.constantFrom("1", "2", "admin")),
    fc.tuple(headerText(20).map((n) => n.replace(/[^a-z0-9-]/gi, "") || "x-junk"), headerText(80)),
  );
  // Who calls is drawn on its own, so most cases get past authentication: none, a valid token or garbage.
  const caller = fc.oneof(
    { weight: 3, arbitrary: fc.constant<[string, string][]>([]) },
    { weight: 4, arbitrary: fc.constantFrom(...tokens.valid).map((t): [string, string][] => [["authorization", `Bearer ${t}`]]) },
    { weight: 2, arbitrary: authorization.map((a): [string, string][] => [["authorization", a]]) },
  );
  // A JSON content type most of the time, so bodies reach the JSON parser.
  const json = fc.oneof({ weight: 3, arbitrary: fc.constant<[string, string][]>([["content-type", "application/json"]]) }, { weight: 1, arbitrary: fc.constant<[string, string][]>([]) });
  return fc.tuple(caller, json, fc.array(header, { maxLength: 4 })).map(([a, b, c]) => [...a, ...b, ...c]);
}

const hostileNumber = fc.constantFrom("1e400", "-1e400", "99999999999999999999999", "-0", "0.0000001", "2147483648", "-2147483649", "1.5", "NaN", "Infinity");
const fieldName = fc.constantFrom("firstName", "lastName", "email", "first_name", "itemId", "item_id", "amount", "id", "userId", "user", "orders", "status", "__proto__", "constructor", "@type", "");
const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.constantFrom("a@b.co", "not-an-email", "", "   ", "ORDER_STATUS_PLACED", "2023-05-01T00:00:00Z"),
  fc.integer(),
);

/** A body: well-formed for some RPC, wrong types, hostile numbers, deep nesting, broken JSON, invalid UTF-8, too big. */
export const bodyArb: fc.Arbitrary<string | Uint8Array<ArrayBuffer> | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.dictionary(fieldName, fieldValue, { maxKeys: 5 }).map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: fc.tuple(fieldName, hostileNumber).map(([k, n]) => `{"${k}": ${n}}`) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom("[", '{"a":', '{"firstName":')).map(([depth, open]) => {
      const close = open === "[" ? "]" : "}";
      return `${open.repeat(depth)}1${close.repeat(depth)}`;
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom("{", "}", "[1,]", '{"a":1,}', "nul", "'x'", '{"a":"\\ud800"}', '"\\u0000"', "\uFEFF{}", "{}{}", " ", "null", "[]", "0", '""') },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => new Uint8Array(b)) },
  { weight: 1, arbitrary: fc.integer({ min: 65_000, max: 70_000 }).map((n) => `{"firstName":"${"x".repeat(n)}"}`) },
);

export function requestArb(tokens: TokenSet): fc.Arbitrary<FuzzRequest> {
  return fc.record({ method: methodArb, path: pathArb, query: queryArb, headers: headersArb(tokens), body: bodyArb }).map(({ method, path, query, headers, body }) => {
    const req: FuzzRequest = {
      method,
      target: `${path}${query}`,
      headers,
      // GET and HEAD requests cannot carry a body in fetch.
      body: method.toUpperCase() === "GET" || method.toUpperCase() === "HEAD" ? undefined : body,
    };
    // Counterexamples are printed with this: a 64 KiB body must not flood the report.
    Object.defineProperty(req, fc.toStringMethod, { value: () => describeRequest(req), enumerable: false });
    return req;
  });
}

/** The request's URL on `origin`; the target stays a path even when it starts with "//". */
export function urlOf(origin: string, req: FuzzRequest): string {
  return `${origin}${req.target.startsWith("/") ? "" : "/"}${req.target}`;
}

/** One line per request, bodies cut to 200 characters. */
export function describeRequest(req: FuzzRequest): string {
  const body = req.body === undefined ? "" : typeof req.body === "string" ? req.body : `bytes ${Array.from(req.body, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  const shown = body.length > 200 ? `${body.slice(0, 200)}… (${body.length} chars)` : body;
  return `${req.method} ${req.target} ${JSON.stringify(req.headers)} ${JSON.stringify(shown)}`;
}
