import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Signer } from "@aws-sdk/rds-signer";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { iamTokenPassword } from "../database/iam-token-password.ts";
import { awsCredentialSource, REFRESH_BEFORE_EXPIRY_MS } from "./aws-credentials.ts";
import { rdsAuthToken } from "./rds-auth-token.ts";

// The oracle is the AWS SDK's own signer (a devDependency, imported by this test only):
// the same inputs at the same frozen clock must give the same token, byte for byte.
const FROZEN = new Date("2026-12-03T09:00:00.000Z");
const keys = { accessKeyId: "ASIAEXAMPLEKEY123456", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sessionToken: "IQoJb3JpZ2luX2VjE+session/token==" };
const target = { host: "orders.cluster-abc.eu-west-1.rds.amazonaws.com", port: 5432, user: "grpc_edge_app", region: "eu-west-1" };

async function oracleToken(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, t = target): Promise<string> {
  return new Signer({ hostname: t.host, port: t.port, username: t.user, region: t.region, credentials }).getAuthToken();
}

/** A stand-in for the ECS credentials endpoint on loopback: counts requests, checks the Authorization header. */
let stub: Server;
let stubUrl: string;
let requests: IncomingMessage[] = [];
let answer: () => { status: number; body: unknown } = () => ({ status: 500, body: {} });
beforeAll(async () => {
  stub = createServer((req, res) => {
    requests.push(req);
    const { status, body } = req.headers.authorization === "Bearer stub-auth" ? answer() : { status: 401, body: { message: "no" } };
    res.writeHead(status, { "content-type": "application/json" }).end(typeof body === "string" ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/v2/credentials/task`;
});
afterAll(() => new Promise<void>((resolve) => stub.close(() => resolve())));
afterEach(() => {
  vi.useRealTimers();
  requests = [];
});
const freeze = (at = FROZEN) => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at);
};
const ecsAnswer = (n: number, expiration: Date) => ({
  status: 200,
  body: { AccessKeyId: `ASIASTUBKEY${n}`, SecretAccessKey: `stub/secret+${n}`, Token: `stub-session-${n}`, Expiration: expiration.toISOString(), RoleArn: "arn:aws:iam::123456789012:role/task" },
});

describe("RDS IAM auth token", () => {
  it("is the token the AWS SDK's rds-signer computes from the same keys, target and clock", async () => {
    freeze();
    const ours = rdsAuthToken({ ...target, credentials: keys, now: new Date() });
    expect(ours).toBe(await oracleToken(keys));
    expect(ours).toMatch(/^orders\.cluster-abc\.eu-west-1\.rds\.amazonaws\.com:5432\/\?Action=connect&DBUser=grpc_edge_app&X-Amz-Algorithm=AWS4-HMAC-SHA256&/);
    expect(ours).toContain("X-Amz-Date=20261203T090000Z&X-Amz-Expires=900&");
    // Without a session token, with characters that need encoding, on another port and region.
    const other = { host: "10.0.3.7", port: 6543, user: "app.user+ro", region: "us-gov-west-1" };
    const longLived = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "s3cr3t/with+(odd)*chars!" };
    expect(rdsAuthToken({ ...other, credentials: longLived, now: new Date() })).toBe(await oracleToken(longLived, other));
    // A second later it is a different token.
    vi.setSystemTime(FROZEN.getTime() + 1_000);
    expect(rdsAuthToken({ ...target, credentials: keys, now: new Date() })).not.toBe(ours);
  });

  it("signs with the task role's credentials from the container endpoint, fetched once and again only near their Expiration", async () => {
    freeze();
    let served = 0;
    answer = () => ecsAnswer(++served, new Date(Date.now() + 60 * 60_000));
    const credentials = awsCredentialSource({ containerFullUri: stubUrl, containerAuthorizationToken: "Bearer stub-auth" });
    const password = iamTokenPassword({ ...target, credentials });
    const [first, second] = await Promise.all([password.current(), password.current()]);
    expect(requests).toHaveLength(1); // concurrent logins share one fetch
    expect(first).toBe(second);
    expect(first).toBe(await oracleToken({ accessKeyId: "ASIASTUBKEY1", secretAccessKey: "stub/secret+1", sessionToken: "stub-session-1" }));

    // Every new connection gets a token signed at its own time, with the cached keys.
    vi.setSystemTime(FROZEN.getTime() + 10 * 60_000);
    const later = await password.current();
    expect(later).not.toBe(first);
    expect(later).toContain("X-Amz-Date=20261203T091000Z");
    expect(requests).toHaveLength(1);

    // Within the refresh margin of Expiration: fetched again, and the new keys sign.
    vi.setSystemTime(FROZEN.getTime() + 60 * 60_000 - REFRESH_BEFORE_EXPIRY_MS);
    expect(await password.current()).toBe(await oracleToken({ accessKeyId: "ASIASTUBKEY2", secretAccessKey: "stub/secret+2", sessionToken: "stub-session-2" }));
    expect(requests).toHaveLength(2);
    expect(requests.every((r) => r.url === "/v2/credentials/task" && r.method === "GET")).toBe(true);
  });

  it("reads the Authorization header from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE; a refused or broken answer is an error that names the endpoint, not the keys, and is retried", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "grpc-edge-aws-"));
    try {
      const tokenFile = join(dir, "token");
      writeFileSync(tokenFile, "Bearer wrong\n");
      answer = () => ecsAnswer(7, new Date(Date.now() + 60 * 60_000));
      const credentials = awsCredentialSource({ containerFullUri: stubUrl, containerAuthorizationTokenFile: tokenFile });
      await expect(credentials.get()).rejects.toThrow(`cannot get AWS credentials from the container credentials endpoint ${new URL(stubUrl).origin}: container credentials endpoint ${new URL(stubUrl).origin} answered 401`);
      writeFileSync(tokenFile, "Bearer stub-auth\n");
      expect((await credentials.get()).accessKeyId).toBe("ASIASTUBKEY7");
      expect(requests).toHaveLength(2);

      const broken = awsCredentialSource({ containerFullUri: stubUrl, containerAuthorizationToken: "Bearer stub-auth" });
      answer = () => ({ status: 200, body: "not json: SECRETSECRET" });
      const error = await broken.get().then(() => undefined, (e: Error) => e);
      expect(error?.message).toMatch(/answered something that is not JSON$/);
      answer = () => ({ status: 200, body: { AccessKeyId: "ASIAONLY" } });
      await expect(broken.get()).rejects.toThrow("answered without AccessKeyId, SecretAccessKey and Expiration");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes keys from the environment when no endpoint is set, and refuses endpoints that would send the request in the clear off this machine", async () => {
    const source = awsCredentialSource({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "tok" });
    expect(await source.get()).toEqual({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "tok" });
    expect(() => awsCredentialSource({})).toThrow("no AWS credentials");
    expect(() => awsCredentialSource({ containerFullUri: "http://metadata.example.com/creds" })).toThrow("must be https, or http to loopback or the ECS/EKS agent address (got http://metadata.example.com)");
    expect(awsCredentialSource({ containerRelativeUri: "/v2/credentials/abc" }).describe).toBe("container credentials endpoint http://169.254.170.2");
    expect(awsCredentialSource({ containerFullUri: "http://[::1]:9/c" }).describe).toBe("container credentials endpoint http://[::1]:9");
  });
});
