import { readFile } from "node:fs/promises";
import { isIP } from "node:net";

/** What signs a request: the ECS task role's temporary keys, or keys from the environment. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  /** When temporary credentials stop working; undefined for long-lived keys. */
  expiration?: Date | undefined;
}

/** Where the credentials come from: the variables ECS and the AWS SDKs use, under their usual names. */
export interface AwsCredentialSettings {
  containerRelativeUri?: string | undefined;
  containerFullUri?: string | undefined;
  containerAuthorizationToken?: string | undefined;
  containerAuthorizationTokenFile?: string | undefined;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  sessionToken?: string | undefined;
}

export interface AwsCredentialSource {
  /** Cached credentials, fetched again once they are within REFRESH_BEFORE_EXPIRY_MS of expiring. */
  get(): Promise<AwsCredentials>;
  /** Forget the cache (after a refused login: the role may have been re-created). */
  invalidate(): void;
  /** Where from, for logs and errors. */
  readonly describe: string;
}

/** Refetch this long before Expiration, so a token signed now never outlives its keys. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
/** ECS's task metadata address for container credentials (RELATIVE_URI is a path on it). */
const ECS_CREDENTIALS_HOST = "http://169.254.170.2";
const FETCH_TIMEOUT_MS = 2_000;
const MAX_RESPONSE_BYTES = 16 * 1024;
// Plain HTTP only to this machine or the container agents' link-local addresses, as the AWS SDKs allow.
const plainHttpHosts = new Set(["localhost", "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"]);

function allowsPlainHttp(hostname: string): boolean {
  if (plainHttpHosts.has(hostname)) return true;
  const bare = hostname.replace(/^\[(.*)\]$/, "$1");
  return (isIP(bare) === 4 && bare.startsWith("127.")) || bare === "::1";
}

/**
 * The credential source the settings describe: the container endpoint when ECS set
 * one (task role), else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN].
 * Throws a clear Error when there is none or an endpoint is not allowed.
 */
export function awsCredentialSource(settings: AwsCredentialSettings, now: () => number = Date.now): AwsCredentialSource {
  const endpoint = settings.containerRelativeUri
    ? new URL(settings.containerRelativeUri, ECS_CREDENTIALS_HOST)
    : settings.containerFullUri
      ? new URL(settings.containerFullUri)
      : undefined;
  if (endpoint) {
    if (endpoint.protocol !== "https:" && !(endpoint.protocol === "http:" && allowsPlainHttp(endpoint.hostname))) {
      throw new Error(`AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to loopback or the ECS/EKS agent address (got ${endpoint.origin})`);
    }
    return containerCredentials(endpoint, settings, now);
  }
  if (settings.accessKeyId && settings.secretAccessKey) {
    const fixed: AwsCredentials = { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey, sessionToken: settings.sessionToken };
    return { get: async () => fixed, invalidate() {}, describe: "AWS_ACCESS_KEY_ID" };
  }
  throw new Error("no AWS credentials: set AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (ECS sets it for the task role), AWS_CONTAINER_CREDENTIALS_FULL_URI, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
}

function containerCredentials(endpoint: URL, settings: AwsCredentialSettings, now: () => number): AwsCredentialSource {
  let cached: Promise<AwsCredentials> | undefined;
  let refreshAt = 0;
  const describe = `container credentials endpoint ${endpoint.origin}`;
  const fetchOnce = async (): Promise<AwsCredentials> => {
    const headers: Record<string, string> = {};
    const token = settings.containerAuthorizationTokenFile
      ? (await readFile(settings.containerAuthorizationTokenFile, "utf8")).trim()
      : settings.containerAuthorizationToken;
    if (token) headers.authorization = token;
    const response = await fetch(endpoint, { headers, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: "error" });
    const text = await response.text();
    if (!response.ok) throw new Error(`${describe} answered ${response.status}`);
    if (text.length > MAX_RESPONSE_BYTES) throw new Error(`${describe} answered more than ${MAX_RESPONSE_BYTES} bytes`);
    let body: { AccessKeyId?: unknown; SecretAccessKey?: unknown; Token?: unknown; Expiration?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`${describe} answered something that is not JSON`); // never its text
    }
    const expiration = typeof body.Expiration === "string" ? new Date(body.Expiration) : undefined;
    if (typeof body.AccessKeyId !== "string" || typeof body.SecretAccessKey !== "string" || !expiration || Number.isNaN(expiration.getTime())) {
      throw new Error(`${describe} answered without AccessKeyId, SecretAccessKey and Expiration`);
    }
    refreshAt = expiration.getTime() - REFRESH_BEFORE_EXPIRY_MS;
    return { accessKeyId: body.AccessKeyId, secretAccessKey: body.SecretAccessKey, sessionToken: typeof body.Token === "string" ? body.Token : undefined, expiration };
  };
  return {
    get() {
      if (cached && refreshAt !== 0 && now() >= refreshAt) cached = undefined;
      if (!cached) {
        refreshAt = 0;
        const pending = fetchOnce().catch((error: unknown) => {
          if (cached === pending) cached = undefined; // a failed fetch is retried by the next caller
          throw new Error(`cannot get AWS credentials from the ${describe}: ${(error as Error).message}`);
        });
        cached = pending;
      }
      return cached;
    },
    invalidate() {
      cached = undefined;
    },
    describe,
  };
}
