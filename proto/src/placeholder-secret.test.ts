import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXAMPLE_SECRETS, placeholderSecretReason } from "./placeholder-secret.ts";

describe("placeholderSecretReason", () => {
  it("knows every value .dev.vars.example ships", () => {
    const example = readFileSync(new URL("../../.dev.vars.example", import.meta.url), "utf8");
    const values = [...example.matchAll(/^[A-Z_]+=(.*)$/gm)].map((m) => m[1]);
    expect(values.length).toBeGreaterThan(0);
    expect([...values].sort()).toEqual([...EXAMPLE_SECRETS].sort());
  });

  it.each([
    ...EXAMPLE_SECRETS,
    "x".repeat(32),
    "0".repeat(64),
    "é".repeat(40),
    "please-CHANGEME-before-production-000000",
    "replace_me_0123456789abcdef0123456789abcdef",
  ])("refuses %s", (value) => {
    expect(placeholderSecretReason(value)).toMatch(/generate a real one/);
  });

  it.each(["vB7Yk2cQpX9mN4rT1wZ8aL5sD3fH6jG0eU-_qOiR", "ab".repeat(16)])("accepts %s", (value) => {
    expect(placeholderSecretReason(value)).toBeUndefined();
  });
});
