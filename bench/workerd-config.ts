// The capnp config of one plain `workerd serve` running the `wrangler deploy --dry-run`
// bundle the way production bills it: wrangler.toml's compatibility date and flags and
// [vars], secrets read from workerd's environment, no rate-limit binding, no cache
// backend, no [assets] router in front (the API routes never reach it on Cloudflare
// either, and it is not billed to the Worker). A second worker that answers every
// request with a constant runs in the same process, on a socket of its own, as the floor
// (and a third that sends the same constant with the headers of the gateway's /healthz);
// optionally a third, the same gateway with its edge cache on and a Cache API backend
// outside the process (cache-backend.ts), for the cost of a hit.
// Syntax: workerd.capnp in the workerd npm package.
import { EVERY_ANSWER } from "../workers/gateway/src/middleware/security-header-values.ts";

/** What wrangler's config reader gives for the settings used here. */
export interface WranglerSettings {
  compatibility_date?: string;
  compatibility_flags?: string[];
  vars?: Record<string, unknown>;
}

export type ModuleKind = "esModule" | "commonJsModule" | "text" | "data" | "wasm" | "json";

export interface WorkerModule {
  /** The module's name as imports see it (the file's path inside the bundle folder). */
  name: string;
  kind: ModuleKind;
}

export interface WorkerdConfigInput {
  compatibilityDate: string;
  compatibilityFlags: readonly string[];
  /** The bundle's modules, the main module first; embedded from files beside the config. */
  modules: readonly WorkerModule[];
  /** Plain vars: strings become text bindings, anything else JSON. */
  vars: Readonly<Record<string, unknown>>;
  /** Names of secret bindings, read from workerd's own environment (never written to the file). */
  secrets: readonly string[];
  /** Adds the gateway again with EDGE_CACHE_TTL_SECONDS = ttlSeconds, its Cache API sent to `backend` (host:port). */
  edgeCache?: { backend: string; ttlSeconds: number };
}

/** Socket names in the generated config; workerd reports each one's port on the control fd. */
export const gatewaySocket = "gateway";
export const constantSocket = "constant";
export const cachedGatewaySocket = "cached";

/** The floor worker: no routing, no bindings, one constant answer. */
export const constantWorkerSource = 'export default { fetch() { return new Response("ok\\n", { headers: { "content-type": "text/plain" } }); } };\n';

export const constantWithHeadersSocket = "constant-headers";

/**
 * The headers of the gateway's `GET /healthz`, with values of their real length: its type
 * and tag, the request id and Server-Timing, and the security headers every answer
 * carries. measure-floor.ts checks the names against a real /healthz.
 */
export const healthzHeaders: readonly (readonly [string, string])[] = [
  ["Content-Type", "application/json"],
  ["ETag", `"${"x".repeat(22)}"`],
  ["X-Request-Id", "00000000-0000-4000-8000-000000000000"],
  ["Server-Timing", "total;dur=0"],
  ...EVERY_ANSWER,
];

/** The floor worker again, its constant answer sent with `headers`: what those headers alone cost. */
export function constantWithHeadersSource(headers: readonly (readonly [string, string])[]): string {
  return `const headers = ${JSON.stringify(headers)};\nexport default { fetch() { return new Response('{"status":"ok"}', { headers }); } };\n`;
}

/** A capnp text literal (C-style escapes; non-ASCII stays UTF-8). */
export function capnpText(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Which binding a dry-run output file becomes; undefined: not a module (source maps, README). */
export function moduleKindOf(file: string): ModuleKind | undefined {
  if (file.endsWith(".js") || file.endsWith(".mjs")) return "esModule";
  if (file.endsWith(".cjs")) return "commonJsModule";
  if (file.endsWith(".wasm")) return "wasm";
  if (file.endsWith(".txt") || file.endsWith(".html")) return "text";
  if (file.endsWith(".bin")) return "data";
  if (file.endsWith(".json")) return "json";
  return undefined;
}

/** The modules of a dry-run output folder's file list, `main` first. */
export function modulesOf(files: readonly string[], main: string): WorkerModule[] {
  if (!files.includes(main)) throw new Error(`the bundle has no ${main}`);
  const modules = files
    .filter((f) => f !== main && moduleKindOf(f) !== undefined && f !== "README.md")
    .sort()
    .map((name) => ({ name, kind: moduleKindOf(name)! }));
  return [{ name: main, kind: moduleKindOf(main) ?? "esModule" }, ...modules];
}

/**
 * The gateway's settings from wrangler.toml plus what the bench sets: `vars`
 * override [vars] (service URLs, edge cache off, the test JWT issuer); names in
 * `secrets` are bound from the environment instead, whatever [vars] says.
 */
export function gatewaySettings(
  wrangler: WranglerSettings,
  overrides: { vars: Readonly<Record<string, unknown>>; secrets: readonly string[] },
): Omit<WorkerdConfigInput, "modules"> {
  if (!wrangler.compatibility_date) throw new Error("wrangler.toml has no compatibility_date");
  const vars: Record<string, unknown> = { ...wrangler.vars, ...overrides.vars };
  for (const secret of overrides.secrets) delete vars[secret];
  return {
    compatibilityDate: wrangler.compatibility_date,
    compatibilityFlags: wrangler.compatibility_flags ?? [],
    vars,
    secrets: [...overrides.secrets],
  };
}

const list = (items: readonly string[]) => `[${items.join(", ")}]`;

function binding(name: string, value: unknown): string {
  return typeof value === "string"
    ? `(name = ${capnpText(name)}, text = ${capnpText(value)})`
    : `(name = ${capnpText(name)}, json = ${capnpText(JSON.stringify(value))})`;
}

/** The whole config file (`workerd serve <file>`); module files must sit beside it. */
export function renderWorkerdConfig(input: WorkerdConfigInput): string {
  const modules = input.modules.map((m) => `(name = ${capnpText(m.name)}, ${m.kind} = embed ${capnpText(m.name)})`);
  const bindingsOf = (vars: Readonly<Record<string, unknown>>) => [
    ...Object.entries(vars).map(([name, value]) => binding(name, value)),
    ...input.secrets.map((name) => `(name = ${capnpText(name)}, fromEnvironment = ${capnpText(name)})`),
  ];
  const flags = input.compatibilityFlags.map(capnpText);
  const gatewayWorker = (vars: Readonly<Record<string, unknown>>, extra = "") => `(
  modules = ${list(modules)},
  compatibilityDate = ${capnpText(input.compatibilityDate)},
  compatibilityFlags = ${list(flags)},
  bindings = ${list(bindingsOf(vars))},
  globalOutbound = "loopback",${extra}
)`;
  // A floor Worker: one module, the gateway's compatibility settings, no bindings.
  const floorWorker = (name: string, source: string) => `(
  modules = [(name = ${capnpText(name)}, esModule = ${capnpText(source)})],
  compatibilityDate = ${capnpText(input.compatibilityDate)},
  compatibilityFlags = ${list(flags)},
)`;
  const cache = input.edgeCache;
  const services = [
    `(name = "gateway", worker = .gateway)`,
    `(name = "constant", worker = .constant)`,
    `(name = "constantHeaders", worker = .constantHeaders)`,
    "# Upstream calls go to the services on this machine only (the default \"internet\" refuses loopback).",
    `(name = "loopback", network = (allow = ["local"]))`,
    ...(cache === undefined ? [] : [`(name = "cachedGateway", worker = .cachedGateway)`, `(name = "cacheBackend", external = (address = ${capnpText(cache.backend)}, http = ()))`]),
  ];
  const sockets = [
    `(name = ${capnpText(gatewaySocket)}, address = "127.0.0.1:0", http = (), service = "gateway")`,
    `(name = ${capnpText(constantSocket)}, address = "127.0.0.1:0", http = (), service = "constant")`,
    `(name = ${capnpText(constantWithHeadersSocket)}, address = "127.0.0.1:0", http = (), service = "constantHeaders")`,
    ...(cache === undefined ? [] : [`(name = ${capnpText(cachedGatewaySocket)}, address = "127.0.0.1:0", http = (), service = "cachedGateway")`]),
  ];
  const cachedWorker =
    cache === undefined
      ? ""
      : `
const cachedGateway :Workerd.Worker = ${gatewayWorker({ ...input.vars, EDGE_CACHE_TTL_SECONDS: String(cache.ttlSeconds) }, `\n  cacheApiOutbound = "cacheBackend",`)};
`;
  const indent = (lines: string[]) => lines.map((l) => `    ${l}${l.startsWith("#") ? "" : ","}`).join("\n");
  return `# Generated by bench/workerd-config.ts from wrangler.toml; do not edit.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
${indent(services)}
  ],
  sockets = [
${indent(sockets)}
  ],
  # JSON log lines (the access log among them) on stdout, as \`wrangler tail\` would see them.
  structuredLogging = true,
);

const gateway :Workerd.Worker = ${gatewayWorker(input.vars)};
${cachedWorker}
const constant :Workerd.Worker = ${floorWorker("constant.js", constantWorkerSource)};

const constantHeaders :Workerd.Worker = ${floorWorker("constant-headers.js", constantWithHeadersSource(healthzHeaders))};
`;
}

/** workerd's control-fd lines (`--control-fd`): the port each socket listens on. */
export function parseListenEvents(text: string): Map<string, number> {
  const ports = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const event = JSON.parse(line) as { event?: unknown; socket?: unknown; port?: unknown };
      if (event.event === "listen" && typeof event.socket === "string" && typeof event.port === "number") ports.set(event.socket, event.port);
    } catch {
      // a partial line; the rest arrives with the next chunk
    }
  }
  return ports;
}
