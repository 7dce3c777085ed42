import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { vendoredFiles } from "./vendor-protos.ts";

describe("proto/vendor", () => {
  it.each([...vendoredFiles()])("%s matches its npm source (run `npm run vendor -w proto`)", (path, content) => {
    expect(readFileSync(fileURLToPath(new URL(`../proto/vendor/${path}`, import.meta.url)), "utf8")).toBe(content);
  });

  it("keeps every message and extension of buf.validate that our annotations use", () => {
    const validate = vendoredFiles().get("buf/validate/validate.proto")!;
    for (const needle of ["message FieldRules {", "message Int32Rules {", "message StringRules {", "optional .buf.validate.FieldRules field = 1159;"]) {
      expect(validate).toContain(needle);
    }
  });
});
