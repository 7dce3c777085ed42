import { createHash, createHmac } from "node:crypto";
import type { AwsCredentials } from "./aws-credentials.ts";

/** How long RDS accepts an IAM auth token after it was signed (the service's maximum). */
export const RDS_AUTH_TOKEN_TTL_SECONDS = 900;

export interface RdsAuthTokenRequest {
  host: string;
  port: number;
  /** The database role, created with `GRANT rds_iam`. */
  user: string;
  region: string;
  credentials: AwsCredentials;
  /** Signing time; a token is valid from it for 15 minutes. */
  now: Date;
}

const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
const sha256Hex = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");
// SigV4 wants RFC 3986 percent-encoding: encodeURIComponent leaves !'()* as they are.
const encode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * An RDS IAM authentication token: a SigV4-presigned `GET /?Action=connect&DBUser=…`
 * for `host:port`, service rds-db, used as the PostgreSQL password. Computed locally
 * (no AWS call); what the AWS SDK's rds-signer computes from the same inputs.
 */
export function rdsAuthToken(request: RdsAuthTokenRequest): string {
  const { credentials } = request;
  const amzDate = request.now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, ""); // 20261203T090000Z
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${request.region}/rds-db/aws4_request`;
  const authority = `${request.host}:${request.port}`;
  const query: Record<string, string> = {
    Action: "connect",
    DBUser: request.user,
    "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
    "X-Amz-Credential": `${credentials.accessKeyId}/${scope}`,
    "X-Amz-Date": amzDate,
    "X-Amz-Expires": String(RDS_AUTH_TOKEN_TTL_SECONDS),
    ...(credentials.sessionToken ? { "X-Amz-Security-Token": credentials.sessionToken } : {}),
    "X-Amz-SignedHeaders": "host",
  };
  const queryString = (params: Record<string, string>) =>
    Object.keys(params)
      .sort()
      .map((name) => `${encode(name)}=${encode(params[name]!)}`)
      .join("&");
  const canonicalQuery = queryString(query);
  // Method, path, query, headers, signed header names, hash of the (empty) body.
  const canonicalRequest = ["GET", "/", canonicalQuery, `host:${authority}`, "", "host", sha256Hex("")].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  let key = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [request.region, "rds-db", "aws4_request"]) key = hmac(key, part);
  const signature = createHmac("sha256", key).update(stringToSign, "utf8").digest("hex");
  // The SDK lists the signature among the sorted parameters; so does this, for identical tokens.
  return `${authority}/?${queryString({ ...query, "X-Amz-Signature": signature })}`;
}
