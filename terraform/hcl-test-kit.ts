/** Reading Terraform HCL in tests (terraform/*.test.ts): parse a module, pick blocks. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "@cdktf/hcl2json";
import { expect } from "vitest";

export type Hcl = Record<string, any>;

/** Parse every *.tf file of a directory (not recursive) and merge the top-level blocks. */
export async function parseTerraformDir(dir: string): Promise<Hcl> {
  const merged: Hcl = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".tf")).sort()) {
    const parsed: Hcl = await parse(file, readFileSync(join(dir, file), "utf8"));
    for (const [kind, value] of Object.entries(parsed)) {
      if (Array.isArray(value)) {
        merged[kind] = [...(merged[kind] ?? []), ...value];
      } else if (kind === "resource" || kind === "data") {
        merged[kind] ??= {};
        for (const [type, byName] of Object.entries(value as Hcl)) {
          merged[kind][type] = { ...(merged[kind][type] ?? {}), ...(byName as Hcl) };
        }
      } else {
        merged[kind] = { ...(merged[kind] ?? {}), ...(value as Hcl) };
      }
    }
  }
  return merged;
}

export function single<T = Hcl>(blocks: T[] | undefined, what: string): T {
  expect(blocks, `${what} is missing`).toBeDefined();
  expect(blocks, `${what} must be declared exactly once`).toHaveLength(1);
  return blocks![0];
}

export function requiredProvider(hcl: Hcl, name: string): { source?: string; version?: string } | undefined {
  for (const tf of hcl.terraform ?? []) {
    for (const rp of tf.required_providers ?? []) {
      if (rp[name]) return rp[name];
    }
  }
  return undefined;
}

export const sorted = (xs: Iterable<string>) => [...xs].sort();
