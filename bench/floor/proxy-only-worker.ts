// The floor of a Worker in front of these services (ab-gateway.ts --floor): for
// GET /api/users/{id} it makes the one upstream call the gateway makes — binary Connect
// over fetch, with the same kind of service token (signed every 10 s) and deadline — and
// answers the user as proto3 JSON. No authentication, validation, rate limit, log, trace,
// ETag, security headers or routing: what is left is what workerd costs for the call. Its
// answer is the gateway's to the byte (ab-gateway.ts checks).
import { create, fromBinary, toBinary, toJsonString } from "@bufbuild/protobuf";
import { GetUserRequestSchema, GetUserResponseSchema, UserService } from "@grpc-edge/proto/user/v1";
import { importServiceTokenKey, signServiceToken } from "../../workers/gateway/src/auth/service-token.ts";

interface FloorEnv {
  USER_SERVICE_URL: string;
  SERVICE_TOKEN_SECRET: string;
  UPSTREAM_TIMEOUT_MS?: string;
}

let token: { value: string; renewAt: number } | undefined;
let key: Promise<CryptoKey> | undefined;

async function serviceToken(secret: string): Promise<string> {
  if (token === undefined || Date.now() >= token.renewAt) {
    const value = await signServiceToken(await (key ??= importServiceTokenKey(secret)), { sub: "1", scope: "admin" });
    token = { value, renewAt: Date.now() + 10_000 };
  }
  return token.value;
}

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    const id = Number(new URL(request.url).pathname.split("/")[3]);
    const upstream = await fetch(`${env.USER_SERVICE_URL.replace(/\/$/, "")}/${UserService.typeName}/${UserService.method.getUserById.name}`, {
      method: "POST",
      headers: {
        "content-type": "application/proto",
        "connect-protocol-version": "1",
        "connect-timeout-ms": env.UPSTREAM_TIMEOUT_MS ?? "3000",
        authorization: `Bearer ${await serviceToken(env.SERVICE_TOKEN_SECRET)}`,
      },
      body: toBinary(GetUserRequestSchema, create(GetUserRequestSchema, { id })),
    });
    const bytes = new Uint8Array(await upstream.arrayBuffer());
    if (!upstream.ok) return new Response(bytes, { status: upstream.status });
    return new Response(toJsonString(GetUserResponseSchema, fromBinary(GetUserResponseSchema, bytes)), { headers: { "content-type": "application/json" } });
  },
};
