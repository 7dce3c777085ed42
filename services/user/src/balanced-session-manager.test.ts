import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const client = fileURLToPath(new URL("../test/idle-goaway-client.ts", import.meta.url));

describe("BalancedSessionManager", () => {
  // connectrpc/connect-es#1768: without a listener of its own on each session, this crashes the process.
  it("survives a GOAWAY on an idle session followed at once by a new call, which succeeds on a new session", async () => {
    const run = await promisify(execFile)(process.execPath, [client], { timeout: 20_000 }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: "" }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, stdout: error.stdout ?? "", stderr: error.stderr ?? "" }),
    );
    expect(run, run.stderr).toEqual({ code: 0, stdout: "first call: ok\nsecond call: ok\nsurvived\n", stderr: "" });
  });
});
