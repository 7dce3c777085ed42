import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificates {
  /** PEM file of the CA (what DATABASE_CA_FILE points at). */
  readonly caFile: string;
  /** A server certificate signed by the CA, and its key (PEM text). */
  readonly cert: string;
  readonly key: string;
  remove(): void;
}

/**
 * A throwaway CA made with openssl and a server certificate it signed for
 * `names` (subjectAltName entries such as "IP:127.0.0.1", "DNS:localhost").
 */
export function makeTestCertificates(names: readonly string[]): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "grpc-edge-ca-"));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=grpc-edge test CA", "-keyout", file("ca.key"), "-out", file("ca.crt"));
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=grpc-edge test database", "-keyout", file("server.key"), "-out", file("server.csr"));
  writeFileSync(file("san.ext"), `subjectAltName=${names.join(",")}\n`);
  openssl("x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", file("san.ext"), "-out", file("server.crt"));
  return {
    caFile: file("ca.crt"),
    cert: readFileSync(file("server.crt"), "utf8"),
    key: readFileSync(file("server.key"), "utf8"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
