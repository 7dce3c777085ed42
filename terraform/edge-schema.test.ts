/**
 * The edge module against the Cloudflare provider's schema, offline. The provider cannot be
 * installed here, so `terraform validate` never sees terraform/modules/edge; instead every
 * resource, data source and attribute it writes is checked against
 * terraform/schema/cloudflare-<minimum version>.json, extracted from the provider's source
 * at that tag by terraform/schema/extract-cloudflare-schema.ts.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { type Hcl, parseTerraformDir, requiredProvider } from "./hcl-test-kit.ts";
import type { SchemaAttribute } from "./schema/extract-cloudflare-schema.ts";

const TERRAFORM_DIR = dirname(fileURLToPath(import.meta.url));
const EDGE_DIR = join(TERRAFORM_DIR, "modules", "edge");

type Schema = Record<string, SchemaAttribute>;
type Fixture = { tag: string; resource: Record<string, Schema>; data: Record<string, Schema> };

/** Terraform's own arguments, valid on every resource and data block. */
const META_ARGUMENTS = new Set(["count", "for_each", "depends_on", "lifecycle", "provider"]);

const isObject = (v: unknown): v is Hcl => typeof v === "object" && v !== null && !Array.isArray(v);
const isExpression = (v: unknown) => typeof v === "string" && v.includes("${");

/** Every way `body` disagrees with `schema`: unknown, computed-only, missing or mistyped attributes, values outside an enum. */
export function schemaProblems(path: string, body: Hcl, schema: Schema, topLevel = true): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (topLevel && META_ARGUMENTS.has(name)) continue;
    const attr = schema[name];
    const where = `${path}.${name}`;
    if (!attr) {
      problems.push(`${where}: no such attribute`);
      continue;
    }
    if (!attr.required && !attr.optional) problems.push(`${where}: computed only, cannot be set`);
    if (attr.one_of && typeof value === "string" && !isExpression(value) && !attr.one_of.some((v) => v.toLowerCase() === value.toLowerCase())) {
      problems.push(`${where}: "${value}" is not one of ${attr.one_of.join(", ")}`);
    }
    if (!attr.attributes || isExpression(value)) continue;
    if (attr.kind === "SingleNested") {
      if (isObject(value)) problems.push(...schemaProblems(where, value, attr.attributes, false));
      else problems.push(`${where}: a single nested attribute, write \`${name} = { ... }\``);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (isObject(item)) problems.push(...schemaProblems(`${where}[${i}]`, item, attr.attributes!, false));
        else if (!isExpression(item)) problems.push(`${where}[${i}]: expected an object`);
      });
    } else problems.push(`${where}: a ${attr.kind} attribute, write \`${name} = [{ ... }]\``);
  }
  for (const [name, attr] of Object.entries(schema)) {
    if (attr.required && !(name in body)) problems.push(`${path}.${name}: required, missing`);
  }
  return problems;
}

describe("edge module (Cloudflare) against the provider schema at its minimum version", () => {
  let edge: Hcl;
  let fixture: Fixture;

  beforeAll(async () => {
    edge = await parseTerraformDir(EDGE_DIR);
    const minimum = /^>=\s*(\d+\.\d+\.\d+)/.exec(requiredProvider(edge, "cloudflare")?.version ?? "")?.[1];
    expect(minimum, "the cloudflare provider constraint starts with >= x.y.z").toBeDefined();
    fixture = JSON.parse(readFileSync(join(TERRAFORM_DIR, "schema", `cloudflare-${minimum}.json`), "utf8"));
  });

  it("the fixture is the schema of the release the module names as its minimum", () => {
    const cf = requiredProvider(edge, "cloudflare");
    expect(cf?.source).toBe("cloudflare/cloudflare");
    expect(cf?.version).toBe(`>= ${fixture.tag.replace(/^v/, "")}, < 6.0.0`);
  });

  it("every resource and data source of the module exists in the provider, with only settable attributes, allowed values and every required one", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const kind of ["resource", "data"] as const) {
      for (const [type, byName] of Object.entries<Hcl>(edge[kind] ?? {})) {
        for (const [name, blocks] of Object.entries<Hcl[]>(byName)) {
          const schema = fixture[kind][type];
          if (!schema) {
            problems.push(`${kind} ${type}: not in the ${fixture.tag} fixture (add it to EDGE_SCHEMA_SOURCES and re-extract)`);
            continue;
          }
          for (const block of blocks) problems.push(...schemaProblems(`${type}.${name}`, block, schema));
          checked++;
        }
      }
    }
    expect(problems).toEqual([]);
    // cloudflare_worker, _worker_version, _workers_deployment, custom domain, route, tunnel, VPC service, token.
    expect(checked).toBe(8);
  });

  it("binds SERVICES as a vpc_service, a binding type the minimum version knows", () => {
    const version = edge.resource.cloudflare_worker_version.gateway[0];
    const services = version.bindings.find((b: Hcl) => b.name === "SERVICES");
    expect(services).toEqual({ name: "SERVICES", type: "vpc_service", service_id: "${cloudflare_connectivity_directory_service.origin.service_id}" });
    expect(fixture.resource.cloudflare_worker_version.bindings.attributes!.type.one_of).toContain("vpc_service");
  });

  it("reports unknown, computed-only, missing, mistyped and out-of-enum attributes (the check can fail)", () => {
    const schema = fixture.resource.cloudflare_worker_version;
    const problems = schemaProblems(
      "cloudflare_worker_version.bad",
      {
        account_id: "x",
        content_file: "index.js",
        number: 3,
        assets: [{ directory: "x" }],
        bindings: [{ name: "X", type: "vpc_tunnel" }],
        modules: [{ name: "index.js", content_type: "text/plain", content_sha256: "abc" }],
        count: 1,
      },
      schema,
    );
    expect(problems).toEqual([
      "cloudflare_worker_version.bad.content_file: no such attribute",
      "cloudflare_worker_version.bad.number: computed only, cannot be set",
      "cloudflare_worker_version.bad.assets: a single nested attribute, write `assets = { ... }`",
      'cloudflare_worker_version.bad.bindings[0].type: "vpc_tunnel" is not one of ' + schema.bindings.attributes!.type.one_of!.join(", "),
      "cloudflare_worker_version.bad.modules[0].content_sha256: computed only, cannot be set",
      "cloudflare_worker_version.bad.worker_id: required, missing",
    ]);
  });
});
