import { parseTrustedCallers } from "./auth/trusted-callers.ts";
import { env, type ConfigOf } from "./config/index.ts";
import { databaseAuthModes, sslModes } from "./database/postgres-connection.ts";
import { logLevels } from "./logging/index.ts";

/** Environment variables every service reads (each service adds its own). */
export function baseConfigSpec(serviceName: string, defaultPort: number) {
  return {
    PORT: env.port("TCP port for gRPC (h2c), gRPC-Web and Connect (HTTP/1.1), and /healthz, /readyz", defaultPort),
    METRICS_PORT: env.portOrOff("TCP port (on HOST) of GET /metrics, the Prometheus scrape, apart from the RPC port; 0 picks a free port, off serves none", 9464),
    HOST: env.string("Interface to listen on (0.0.0.0 in containers)", "127.0.0.1"),
    DATABASE_URL: env.optionalUrl("PostgreSQL server URL (query: only sslmode, sslrootcert); when unset (and DATABASE_HOST unset) the service uses embedded PGlite", ["postgres:", "postgresql:"]),
    DATABASE_HOST: env.optionalString("PostgreSQL host, used with DATABASE_PORT/NAME/USER/PASSWORD when DATABASE_URL is unset (containers)"),
    DATABASE_PORT: env.port("PostgreSQL port (with DATABASE_HOST)", 5432),
    DATABASE_NAME: env.optionalString("PostgreSQL database name (with DATABASE_HOST)"),
    DATABASE_USER: env.optionalString("PostgreSQL user (with DATABASE_HOST)"),
    DATABASE_PASSWORD: env.optionalString("PostgreSQL password (with DATABASE_HOST; inject from a secret store). Read once: prefer DATABASE_PASSWORD_FILE where the password rotates"),
    DATABASE_PASSWORD_FILE: env.optionalString("File holding the PostgreSQL password (one trailing newline ignored), read at the first login and again after a login is refused (SQLSTATE 28P01), so a rotated password is picked up without a restart. Not with DATABASE_PASSWORD"),
    DATABASE_AUTH: env.oneOf("How the services log in to PostgreSQL: password (DATABASE_PASSWORD or DATABASE_PASSWORD_FILE) or iam (RDS IAM database authentication: every new connection presents a token signed just now, valid 15 minutes, with the credentials below; needs AWS_REGION and TLS, no password)", databaseAuthModes, "password"),
    AWS_REGION: env.optionalString("AWS region the RDS IAM tokens are signed for (DATABASE_AUTH=iam)"),
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: env.optionalString("Set by ECS: path on 169.254.170.2 of the task role's credentials (DATABASE_AUTH=iam); they are cached until 5 minutes before their Expiration, then fetched again"),
    AWS_CONTAINER_CREDENTIALS_FULL_URI: env.optionalUrl("Credentials endpoint when AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is unset (https, or http to loopback or the ECS/EKS agent address)", ["http:", "https:"]),
    AWS_CONTAINER_AUTHORIZATION_TOKEN: env.optionalString("Authorization header sent to AWS_CONTAINER_CREDENTIALS_FULL_URI"),
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: env.optionalString("File holding that Authorization header, read at every fetch (takes precedence over AWS_CONTAINER_AUTHORIZATION_TOKEN)"),
    AWS_ACCESS_KEY_ID: env.optionalString("Long-lived or temporary AWS keys, used for DATABASE_AUTH=iam when no container credentials endpoint is set"),
    AWS_SECRET_ACCESS_KEY: env.optionalString("Secret of AWS_ACCESS_KEY_ID"),
    AWS_SESSION_TOKEN: env.optionalString("Session token of temporary AWS_ACCESS_KEY_ID keys"),
    DATABASE_SSLMODE: env.optionalOneOf("TLS to PostgreSQL when DATABASE_URL has no sslmode: verify-full checks the certificate chain (DATABASE_CA_FILE, else Node's trust store) and the host name; no-verify encrypts without checking. Default: verify-full with DATABASE_CA_FILE, else disable", sslModes),
    DATABASE_CA_FILE: env.optionalString("PEM file of the CAs the PostgreSQL server certificate must chain to (e.g. the RDS global bundle in the image); overrides sslrootcert in DATABASE_URL"),
    DATABASE_CONNECT_RETRY_MAX_MS: env.int("At start-up, the longest wait between attempts to reach the database (doubling from 100 ms); the service stays up, not ready, until it answers", {
      min: 100,
      max: 60_000,
      defaultValue: 5_000,
    }),
    DATABASE_POOL_MAX: env.int("Maximum pooled PostgreSQL connections per process", { min: 1, max: 200, defaultValue: 10 }),
    PGLITE_DATA_DIR: env.string("Folder of the embedded PGlite database (\"memory://\" keeps it in memory)", `.data/${serviceName}`),
    SEED_DEMO_DATA: env.boolean("Load the demo data set on the first start against an empty database", false),
    LOG_LEVEL: env.oneOf("Log level of the JSON logs", logLevels, "info"),
    SHUTDOWN_GRACE_MS: env.int("On SIGTERM, how long in-flight calls may take to finish before the process exits", { min: 0, max: 120_000, defaultValue: 10_000 }),
    MAX_MESSAGE_BYTES: env.int("Largest request message accepted, in bytes (larger: RESOURCE_EXHAUSTED, before the handler runs)", {
      min: 1024,
      max: 4 * 1024 * 1024,
      defaultValue: 64 * 1024,
    }),
    SERVICE_TOKEN_SECRET: env.secret("HS256 key (at least 32 bytes) of the service tokens the gateway signs; the same value in the gateway and both services", 32),
    TRUSTED_CALLERS: env.optionalParsed(
      "Off unless set. Callers that send no token at all, from these networks (TCP peer address, so only callers on the services' own network, not behind a balancer), get these scopes: `CIDR=scope scope;CIDR=scope`, e.g. `10.0.0.0/16=users:read`. For stock gRPC clients during a migration; every such call is logged with its peer",
      parseTrustedCallers,
    ),
    IDEMPOTENCY_TTL_HOURS: env.int("How long Idempotency-Key records are kept before the cleanup removes them", { min: 24, max: 24 * 30, defaultValue: 24 }),
    OTEL_EXPORTER_OTLP_ENDPOINT: env.optionalUrl("OpenTelemetry collector (OTLP/HTTP) base URL; spans go to {url}/v1/traces as JSON. Unset: no spans exported (incoming traceparent still passed on)", ["http:", "https:"]),
    OTEL_SERVICE_NAME: env.string("service.name of the exported spans", serviceName),
  };
}

export type BaseConfig = ConfigOf<ReturnType<typeof baseConfigSpec>>;
