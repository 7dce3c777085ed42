import { describe, expect, it } from "vitest";
import { capnpText, constantWithHeadersSource, gatewaySettings, healthzHeaders, modulesOf, parseListenEvents, renderWorkerdConfig } from "./workerd-config.ts";

// wrangler.toml as wrangler's reader returns it (compatibility settings and [vars]).
const wrangler = {
  compatibility_date: "2025-09-01",
  compatibility_flags: ["nodejs_compat"],
  vars: { USER_SERVICE_URL: "http://127.0.0.1:50051", EDGE_CACHE_TTL_SECONDS: "5", PUBLIC_READS: "true", JWT_SECRET: "from-vars", LIMITS: { max: 3 } },
};

describe("gatewaySettings", () => {
  const settings = gatewaySettings(wrangler, {
    vars: { USER_SERVICE_URL: "http://127.0.0.1:4001", ORDER_SERVICE_URL: "http://127.0.0.1:4002", EDGE_CACHE_TTL_SECONDS: "0" },
    secrets: ["SERVICE_TOKEN_SECRET", "JWT_SECRET"],
  });

  it("takes wrangler.toml's compatibility date, flags and [vars], with the bench's values on top", () => {
    expect(settings.compatibilityDate).toBe("2025-09-01");
    expect(settings.compatibilityFlags).toEqual(["nodejs_compat"]);
    expect(settings.vars).toMatchObject({ USER_SERVICE_URL: "http://127.0.0.1:4001", ORDER_SERVICE_URL: "http://127.0.0.1:4002", EDGE_CACHE_TTL_SECONDS: "0", PUBLIC_READS: "true" });
  });

  it("binds secrets from the environment only, even when [vars] has the same name", () => {
    expect(settings.vars).not.toHaveProperty("JWT_SECRET");
    expect(settings.secrets).toEqual(["SERVICE_TOKEN_SECRET", "JWT_SECRET"]);
  });

  it("refuses a config without a compatibility date", () => {
    expect(() => gatewaySettings({ vars: {} }, { vars: {}, secrets: [] })).toThrow(/compatibility_date/);
  });
});

describe("renderWorkerdConfig", () => {
  const config = renderWorkerdConfig({
    ...gatewaySettings(wrangler, { vars: { ODD: 'a "quoted" \\ value\nline' }, secrets: ["SERVICE_TOKEN_SECRET"] }),
    modules: modulesOf(["README.md", "index.js.map", "index.js", "chunk-1.js", "logs"], "index.js"),
  });

  it("embeds the bundle's modules, the main one first, and no source map or README", () => {
    expect(config).toContain('modules = [(name = "index.js", esModule = embed "index.js"), (name = "chunk-1.js", esModule = embed "chunk-1.js")]');
    expect(config).not.toContain("index.js.map");
    expect(config).not.toContain("README");
  });

  it("has text vars, JSON vars, secrets from the environment and the compatibility settings", () => {
    expect(config).toContain('(name = "PUBLIC_READS", text = "true")');
    expect(config).toContain('(name = "LIMITS", json = "{\\"max\\":3}")');
    expect(config).toContain('(name = "ODD", text = "a \\"quoted\\" \\\\ value\\nline")');
    expect(config).toContain('(name = "SERVICE_TOKEN_SECRET", fromEnvironment = "SERVICE_TOKEN_SECRET")');
    expect(config).toContain('compatibilityDate = "2025-09-01"');
    expect(config).toContain('compatibilityFlags = ["nodejs_compat"]');
  });

  it("has no rate-limit binding, no cache backend, no assets, and fetches reach loopback only", () => {
    expect(config).not.toMatch(/RATE_LIMITER|cacheApiOutbound|assets/);
    expect(config).toContain('(name = "loopback", network = (allow = ["local"]))');
    expect(config).toContain('globalOutbound = "loopback"');
  });

  it("serves the gateway and the constant Workers on sockets of their own", () => {
    expect(config).toMatch(/\(name = "gateway", address = "127\.0\.0\.1:0", http = \(\), service = "gateway"\)/);
    expect(config).toMatch(/\(name = "constant", address = "127\.0\.0\.1:0", http = \(\), service = "constant"\)/);
    expect(config).toMatch(/\(name = "constant-headers", address = "127\.0\.0\.1:0", http = \(\), service = "constantHeaders"\)/);
  });

  it("sends the gateway's security headers from the floor Worker with headers, as the gateway's own module has them", () => {
    expect(constantWithHeadersSource(healthzHeaders)).toContain('["X-Frame-Options","DENY"]');
    expect(healthzHeaders.map(([name]) => name)).toEqual(expect.arrayContaining(["Content-Security-Policy", "ETag", "X-Request-Id", "Server-Timing"]));
  });
});

describe("renderWorkerdConfig with the edge cache on", () => {
  const config = renderWorkerdConfig({
    ...gatewaySettings(wrangler, { vars: { EDGE_CACHE_TTL_SECONDS: "0" }, secrets: ["SERVICE_TOKEN_SECRET"] }),
    modules: modulesOf(["index.js"], "index.js"),
    edgeCache: { backend: "127.0.0.1:4500", ttlSeconds: 3600 },
  });
  const worker = (name: string) => config.slice(config.indexOf(`const ${name} :Workerd.Worker`)).split("\n);")[0]!;

  it("runs the gateway a second time on a socket of its own, its Cache API sent to the backend outside the process", () => {
    expect(config).toContain('(name = "cached", address = "127.0.0.1:0", http = (), service = "cachedGateway")');
    expect(config).toContain('(name = "cacheBackend", external = (address = "127.0.0.1:4500", http = ()))');
    expect(worker("cachedGateway")).toContain('cacheApiOutbound = "cacheBackend"');
    expect(worker("cachedGateway")).toContain('(name = "EDGE_CACHE_TTL_SECONDS", text = "3600")');
    expect(worker("cachedGateway")).toContain('(name = "SERVICE_TOKEN_SECRET", fromEnvironment = "SERVICE_TOKEN_SECRET")');
  });

  it("leaves the measured gateway uncached: no cache backend, its own TTL", () => {
    expect(worker("gateway")).not.toContain("cacheApiOutbound");
    expect(worker("gateway")).toContain('(name = "EDGE_CACHE_TTL_SECONDS", text = "0")');
  });
});

describe("capnpText", () => {
  it("escapes quotes, backslashes and control characters, keeps UTF-8", () => {
    expect(capnpText('a"b\\c\td\x01é')).toBe('"a\\"b\\\\c\\td\\x01é"');
  });
});

describe("parseListenEvents", () => {
  it("reads each socket's port and ignores a partial last line", () => {
    const text = '{"event":"listen","socket":"gateway","port":4100}\n{"event":"listen","socket":"constant","port":4101}\n{"event":"lis';
    expect(parseListenEvents(text)).toEqual(new Map([["gateway", 4100], ["constant", 4101]]));
  });
});
