import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { filePassword, fixedPassword } from "./password-source.ts";

const dir = mkdtempSync(join(tmpdir(), "grpc-edge-pw-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("password sources", () => {
  it("a file: read once, cached, read again only after refresh; one trailing newline is not part of it", async () => {
    const file = join(dir, "password");
    writeFileSync(file, "first\n");
    const source = filePassword(file);
    expect(await source.current()).toBe("first");
    writeFileSync(file, "second \r\n");
    expect(await source.current()).toBe("first"); // not re-read per connection
    expect(source.refresh()).toBe(true);
    expect(await source.current()).toBe("second ");
  });

  it("a file not there yet: a clear error naming the path, never contents; read again at the next attempt", async () => {
    const file = join(dir, "later");
    const source = filePassword(file);
    await expect(source.current()).rejects.toThrow(`cannot read DATABASE_PASSWORD_FILE ${file}: ENOENT`);
    writeFileSync(file, "s3cret");
    expect(await source.current()).toBe("s3cret");
  });

  it("a fixed password has nothing to re-read", async () => {
    const source = fixedPassword("pw");
    expect(source.refresh()).toBe(false);
    expect(await source.current()).toBe("pw");
  });
});
