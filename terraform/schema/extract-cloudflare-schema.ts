/**
 * Regenerates terraform/schema/cloudflare-<tag>.json: the attributes of the Cloudflare
 * provider resources and data sources the edge module uses, read from the provider's Go
 * source (Stainless-generated `schema.go` / `data_source_schema.go`) at one git tag.
 *
 *     node terraform/schema/extract-cloudflare-schema.ts <provider git dir> v5.19.0
 *
 * The provider cannot be installed offline, so terraform/edge-schema.test.ts checks the
 * module against this fixture instead of `terraform validate`.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** What the edge module uses: [kind, type name, provider service folder, schema file]. */
export const EDGE_SCHEMA_SOURCES = [
  ["resource", "cloudflare_worker", "worker", "schema.go"],
  ["resource", "cloudflare_worker_version", "worker_version", "schema.go"],
  ["resource", "cloudflare_workers_deployment", "workers_deployment", "schema.go"],
  ["resource", "cloudflare_workers_custom_domain", "workers_custom_domain", "schema.go"],
  ["resource", "cloudflare_workers_route", "workers_route", "schema.go"],
  ["resource", "cloudflare_zero_trust_tunnel_cloudflared", "zero_trust_tunnel_cloudflared", "schema.go"],
  ["resource", "cloudflare_connectivity_directory_service", "connectivity_directory_service", "schema.go"],
  ["data", "cloudflare_zero_trust_tunnel_cloudflared_token", "zero_trust_tunnel_cloudflared_token", "data_source_schema.go"],
] as const;

export type SchemaAttribute = {
  kind: string;
  required?: true;
  optional?: true;
  computed?: true;
  sensitive?: true;
  write_only?: true;
  /** Allowed values of a string attribute (the provider's OneOf validator). */
  one_of?: string[];
  /** Nested attributes (SingleNested, ListNested, SetNested, MapNested). */
  attributes?: Record<string, SchemaAttribute>;
};

/** Index just past the brace that closes the one at `open`, skipping Go string literals. */
function closingBrace(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '"') {
      for (i++; src[i] !== '"'; i++) if (src[i] === "\\") i++;
    } else if (c === "`") {
      i = src.indexOf("`", i + 1);
    } else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i + 1;
  }
  throw new Error("unbalanced braces");
}

/** Top-level text of a block body: nested braces and strings blanked out. */
function topLevel(body: string): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "{") {
      const end = closingBrace(body, i);
      out += "{}";
      i = end - 1;
    } else if (c === '"') {
      let j = i + 1;
      for (; body[j] !== '"'; j++) if (body[j] === "\\") j++;
      out += '""';
      i = j;
    } else if (c === "`") {
      i = body.indexOf("`", i + 1);
      out += '""';
    } else out += c;
  }
  return out;
}

/** Parses the entries of one `map[string]schema.Attribute{...}` body. */
function parseAttributes(body: string): Record<string, SchemaAttribute> {
  const attrs: Record<string, SchemaAttribute> = {};
  const entry = /"([a-z0-9_]+)":\s*schema\.(\w+)Attribute\{/g;
  let m: RegExpExecArray | null;
  while ((m = entry.exec(body))) {
    const open = m.index + m[0].length - 1;
    const end = closingBrace(body, open);
    const inner = body.slice(open + 1, end - 1);
    const flags = topLevel(inner);
    const attr: SchemaAttribute = { kind: m[2] };
    for (const [field, key] of [["Required", "required"], ["Optional", "optional"], ["Computed", "computed"], ["Sensitive", "sensitive"], ["WriteOnly", "write_only"]] as const) {
      if (new RegExp(`\\b${field}:\\s*true`).test(flags)) attr[key] = true;
    }
    const nested = /(?:^|\n)\s*(?:NestedObject:\s*schema\.NestedAttributeObject\{\s*)?Attributes:\s*map\[string\]schema\.Attribute\{/.exec(inner);
    let own = inner;
    if (nested) {
      const nOpen = nested.index + nested[0].length - 1;
      const nEnd = closingBrace(inner, nOpen);
      attr.attributes = parseAttributes(inner.slice(nOpen + 1, nEnd - 1));
      own = inner.slice(0, nested.index) + inner.slice(nEnd);
    }
    const oneOf = /stringvalidator\.OneOf(?:CaseInsensitive)?\(([^)]*)\)/.exec(own);
    if (oneOf) attr.one_of = [...oneOf[1].matchAll(/"([^"]*)"/g)].map((v) => v[1]);
    attrs[m[1]] = attr;
    entry.lastIndex = end;
  }
  return attrs;
}

export function extractSchema(source: string): Record<string, SchemaAttribute> {
  const start = /Attributes:\s*map\[string\]schema\.Attribute\{/.exec(source);
  if (!start) throw new Error("no top-level Attributes map");
  const open = start.index + start[0].length - 1;
  return parseAttributes(source.slice(open + 1, closingBrace(source, open) - 1));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [gitDir, tag] = process.argv.slice(2);
  if (!gitDir || !tag) throw new Error("usage: extract-cloudflare-schema.ts <provider git dir> <tag>");
  const out: Record<string, Record<string, Record<string, SchemaAttribute>>> = { resource: {}, data: {} };
  for (const [kind, type, folder, file] of EDGE_SCHEMA_SOURCES) {
    const source = execFileSync("git", ["--git-dir", gitDir, "show", `${tag}:internal/services/${folder}/${file}`], { encoding: "utf8" });
    out[kind][type] = extractSchema(source);
  }
  const target = join(fileURLToPath(new URL(".", import.meta.url)), `cloudflare-${tag.replace(/^v/, "")}.json`);
  writeFileSync(target, `${JSON.stringify({ provider: "cloudflare/cloudflare", tag, source: "github.com/cloudflare/terraform-provider-cloudflare", ...out }, null, 2)}\n`);
  console.log(`wrote ${target}`);
}
