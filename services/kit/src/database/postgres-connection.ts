import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import { awsCredentialSource, type AwsCredentialSettings } from "../aws/aws-credentials.ts";
import { iamTokenPassword } from "./iam-token-password.ts";
import { filePassword, fixedPassword, type PasswordSource } from "./password-source.ts";

/** How the services log in: a password (DATABASE_PASSWORD[_FILE]) or an RDS IAM auth token. */
export const databaseAuthModes = ["password", "iam"] as const;
export type DatabaseAuthMode = (typeof databaseAuthModes)[number];

/** The sslmode values the services understand (libpq's meaning, plus node-postgres' no-verify). */
export const sslModes = ["disable", "no-verify", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof sslModes)[number];

/** Everything node-postgres needs to open a connection; the password is asked for per connection. */
export interface PostgresConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  password: PasswordSource;
  ssl: false | ConnectionOptions;
  /** postgres://user@host:port/database?sslmode=…, for logs: never the password. */
  readonly safeUrl: string;
}

export interface PostgresConnectionSettings {
  /** DATABASE_URL; its query may carry sslmode and sslrootcert, nothing else. */
  url?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  name?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  passwordFile?: string | undefined;
  sslMode?: SslMode | undefined;
  /** PEM bundle of the CAs the server's certificate must chain to (e.g. the RDS global bundle). */
  caFile?: string | undefined;
  /** DATABASE_AUTH; iam needs `region`, credentials and TLS, and no password. */
  auth?: DatabaseAuthMode | undefined;
  /** AWS_REGION, the region the IAM tokens are signed for. */
  region?: string | undefined;
  awsCredentials?: AwsCredentialSettings | undefined;
}

const urlParameters = new Set(["sslmode", "sslrootcert"]);

/**
 * The PostgreSQL server to use, from DATABASE_URL or DATABASE_HOST and friends;
 * undefined when neither is set (embedded PGlite). Throws a clear Error on a
 * setting it cannot honour (unknown sslmode, unreadable CA file, two passwords).
 */
export function postgresConnection(settings: PostgresConnectionSettings): PostgresConnection | undefined {
  let host: string;
  let port = settings.port ?? 5432;
  let database = settings.name ?? "postgres";
  let user = settings.user ?? "postgres";
  let password = settings.password;
  let sslMode = settings.sslMode;
  let caFile = settings.caFile;
  if (settings.url) {
    const url = new URL(settings.url);
    host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    if (url.port) port = Number(url.port);
    if (url.pathname.length > 1) database = decodeURIComponent(url.pathname.slice(1));
    if (url.username) user = decodeURIComponent(url.username);
    if (url.password) password = decodeURIComponent(url.password);
    for (const [name, value] of url.searchParams) {
      if (!urlParameters.has(name)) throw new Error(`DATABASE_URL parameter "${name}" is not supported (only sslmode and sslrootcert)`);
      if (name === "sslmode") sslMode = parseSslMode(value);
      if (name === "sslrootcert") caFile = settings.caFile ?? value;
    }
  } else if (settings.host) {
    host = settings.host;
  } else {
    return undefined;
  }
  if (settings.passwordFile && password) throw new Error("set either DATABASE_PASSWORD_FILE or a password (DATABASE_PASSWORD or in DATABASE_URL), not both");
  const mode = sslMode ?? (caFile ? "verify-full" : "disable");
  const iam = settings.auth === "iam";
  if (iam) {
    if (settings.passwordFile || password) throw new Error("DATABASE_AUTH=iam logs in with IAM tokens: unset DATABASE_PASSWORD, DATABASE_PASSWORD_FILE and any password in DATABASE_URL");
    if (!settings.region) throw new Error("DATABASE_AUTH=iam needs AWS_REGION (the region the tokens are signed for)");
    // The token is a bearer credential for 15 minutes: never send it in the clear.
    if (mode === "disable") throw new Error("DATABASE_AUTH=iam needs TLS: set DATABASE_SSLMODE (verify-full with DATABASE_CA_FILE in AWS)");
  }
  const safeUrl = new URL("postgres://localhost");
  safeUrl.hostname = host.includes(":") ? `[${host}]` : host;
  safeUrl.port = String(port);
  safeUrl.username = encodeURIComponent(user);
  safeUrl.pathname = `/${encodeURIComponent(database)}`;
  safeUrl.searchParams.set("sslmode", mode);
  return {
    host,
    port,
    database,
    user,
    password: iam
      ? iamTokenPassword({ host, port, user, region: settings.region!, credentials: awsCredentialSource(settings.awsCredentials ?? {}) })
      : settings.passwordFile
        ? filePassword(settings.passwordFile)
        : fixedPassword(password),
    ssl: tlsOptions(mode, caFile),
    safeUrl: safeUrl.toString(),
  };
}

function parseSslMode(value: string): SslMode {
  if (!(sslModes as readonly string[]).includes(value)) throw new Error(`sslmode must be one of ${sslModes.join(", ")} (got "${value}")`);
  return value as SslMode;
}

function tlsOptions(mode: SslMode, caFile: string | undefined): false | ConnectionOptions {
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile, "utf8");
    } catch (error) {
      throw new Error(`cannot read the database CA file ${caFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  switch (mode) {
    case "disable":
      return false;
    // Encrypted, the server not authenticated: a man in the middle can read everything.
    case "no-verify":
      return { rejectUnauthorized: false };
    // libpq: require verifies the chain when a root certificate is given, nothing otherwise.
    case "require":
      return ca ? { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined } : { rejectUnauthorized: false };
    case "verify-ca":
      return { ...(ca ? { ca } : {}), rejectUnauthorized: true, checkServerIdentity: () => undefined };
    // The chain (to `ca`, else Node's trust store) and the host name or IP address.
    case "verify-full":
      return { ...(ca ? { ca } : {}), rejectUnauthorized: true };
  }
}
