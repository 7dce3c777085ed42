// The benchmark's peer: the REST gateway a competent user would write in front of
// these services without this project — Express 4, @grpc/grpc-js clients built from
// the same .proto files with @grpc/proto-loader, native gRPC over h2c, `res.json`.
// It pays what the Worker pays for the services: it verifies the end-user JWT when
// one is sent (jose, HS256), signs a per-request service token with the same claims,
// forwards a request id and a sampled traceparent, and sets a 3 s deadline.
// Configured by environment (PORT, USER_SERVICE_URL, SERVICE_TOKEN_SECRET, JWT_SECRET,
// JWT_ISSUER, JWT_AUDIENCE, PUBLIC_READS); run as `node bench/peers/express-grpc-gateway.ts`.
import { randomBytes, randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { protoRoot } from "@grpc-edge/proto/proto-root";
import express, { type NextFunction, type Request, type Response } from "express";
import { jwtVerify, SignJWT } from "jose";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const config = {
  port: Number(process.env.PORT ?? 8080),
  host: process.env.HOST ?? "127.0.0.1",
  // The user service owns the user-existence check, so order creation goes there too.
  userService: required("USER_SERVICE_URL").replace(/^https?:\/\//, "").replace(/\/$/, ""),
  serviceTokenKey: new TextEncoder().encode(required("SERVICE_TOKEN_SECRET")),
  jwtKey: new TextEncoder().encode(required("JWT_SECRET")),
  jwtIssuer: required("JWT_ISSUER"),
  jwtAudience: required("JWT_AUDIENCE"),
  publicReads: process.env.PUBLIC_READS === "true",
  deadlineMs: 3_000,
};

const definition = protoLoader.loadSync(["user/v1/user.proto", "orders/v1/order.proto"], {
  includeDirs: [protoRoot, `${protoRoot}vendor`],
  longs: String,
  enums: String,
});
const proto = grpc.loadPackageDefinition(definition) as unknown as {
  user: { v1: { UserService: grpc.ServiceClientConstructor } };
  orders: { v1: { OrderService: grpc.ServiceClientConstructor } };
};
const users = new proto.user.v1.UserService(config.userService, grpc.credentials.createInsecure());
const orders = new proto.orders.v1.OrderService(config.userService, grpc.credentials.createInsecure());

interface Caller {
  sub?: string;
  scope: string;
  /** The end-user token's id, passed on for the services' audit log. */
  jti?: string;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** The caller from `Authorization: Bearer <jwt>`; anonymous reads get users:read when reads are public. */
async function authenticate(req: Request): Promise<Caller> {
  const publicScope = config.publicReads ? ["users:read"] : [];
  const header = req.get("authorization");
  if (header === undefined) {
    if (req.method !== "GET") throw new HttpError(401, "authentication required");
    return { scope: publicScope.join(" ") };
  }
  const token = /^Bearer +(\S+)$/i.exec(header)?.[1];
  if (!token) throw new HttpError(401, "invalid token");
  try {
    const { payload } = await jwtVerify(token, config.jwtKey, {
      algorithms: ["HS256"],
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      clockTolerance: 30,
      requiredClaims: ["exp", "sub"],
    });
    // As the gateway does: admin only from the identity provider's claim, never a requested scope.
    const scopes = new Set(typeof payload.scope === "string" ? payload.scope.split(" ").filter((s) => s !== "" && s !== "admin") : []);
    const roles = payload.roles;
    if (roles === "grpc-edge-admin" || (Array.isArray(roles) && roles.includes("grpc-edge-admin"))) scopes.add("admin");
    for (const s of publicScope) scopes.add(s);
    const jti = typeof payload.jti === "string" && payload.jti.length <= 256 ? payload.jti : undefined;
    return { sub: payload.sub, scope: [...scopes].join(" "), ...(jti ? { jti } : {}) };
  } catch {
    throw new HttpError(401, "invalid token");
  }
}

/** The short-lived token the services demand: HS256, iss/aud/iat/exp (30 s)/jti, sub, scope (and user_jti). */
function serviceToken(caller: Caller): Promise<string> {
  const jwt = new SignJWT({ scope: caller.scope, ...(caller.jti ? { user_jti: caller.jti } : {}) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("grpc-edge-gateway")
    .setAudience("grpc-edge-services")
    .setIssuedAt()
    .setExpirationTime("30s")
    .setJti(randomUUID());
  if (caller.sub !== undefined) jwt.setSubject(caller.sub);
  return jwt.sign(config.serviceTokenKey);
}

const httpStatusOf: Partial<Record<grpc.status, number>> = {
  [grpc.status.INVALID_ARGUMENT]: 400,
  [grpc.status.FAILED_PRECONDITION]: 400,
  [grpc.status.OUT_OF_RANGE]: 400,
  [grpc.status.UNAUTHENTICATED]: 401,
  [grpc.status.PERMISSION_DENIED]: 403,
  [grpc.status.NOT_FOUND]: 404,
  [grpc.status.ALREADY_EXISTS]: 409,
  [grpc.status.ABORTED]: 409,
  [grpc.status.RESOURCE_EXHAUSTED]: 429,
  [grpc.status.UNAVAILABLE]: 503,
  [grpc.status.DEADLINE_EXCEEDED]: 504,
};

/** One unary call with the caller's service token, the request's ids and the deadline. */
async function call<T>(client: grpc.Client, method: string, request: object, req: Request, caller: Caller): Promise<T> {
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Bearer ${await serviceToken(caller)}`);
  metadata.set("x-request-id", req.get("x-request-id") ?? randomUUID());
  metadata.set("traceparent", `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`);
  return new Promise<T>((resolve, reject) => {
    const rpc = (client as unknown as Record<string, Function>)[method]!;
    rpc.call(client, request, metadata, { deadline: Date.now() + config.deadlineMs }, (error: grpc.ServiceError | null, reply: T) => {
      if (error) reject(new HttpError(httpStatusOf[error.code] ?? 502, error.details || "upstream error"));
      else resolve(reply);
    });
  });
}

function integer(value: unknown, name: string, min: number, max: number): number {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new HttpError(400, `${name} must be an integer from ${min} to ${max}`);
  return n;
}

const positiveInt = (value: unknown, name: string, max = 2_147_483_647) => integer(value, name, 1, max);

/** Express 4 does not catch rejected promises of async handlers. */
const route = (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
  handler(req, res).catch(next);
};

const app = express();
app.disable("x-powered-by");

app.get("/healthz", (_req, res) => {
  res.json({ status: "ok" });
});

app.get(
  "/api/users/:id",
  route(async (req, res) => {
    const caller = await authenticate(req);
    res.json(await call(users, "GetUserById", { id: positiveInt(req.params.id, "id") }, req, caller));
  }),
);

app.get(
  "/api/users",
  route(async (req, res) => {
    const caller = await authenticate(req);
    // 0 or absent: the service's default page size.
    const pageSize = req.query.page_size === undefined ? 0 : integer(req.query.page_size, "page_size", 0, 500);
    const pageToken = typeof req.query.page_token === "string" ? req.query.page_token : "";
    if (pageToken.length > 256) throw new HttpError(400, "page_token is too long");
    res.json(await call(users, "GetAllUsers", { pageSize, pageToken }, req, caller));
  }),
);

app.post(
  "/api/users/:id/orders",
  express.json({ limit: "16kb" }),
  route(async (req, res) => {
    const caller = await authenticate(req);
    const body = (req.body ?? {}) as { itemId?: unknown; amount?: unknown };
    const order = { userId: positiveInt(req.params.id, "id"), itemId: positiveInt(body.itemId, "itemId"), amount: positiveInt(body.amount, "amount", 10_000) };
    res.json(await call(orders, "CreateOrder", order, req, caller));
  }),
);

app.use((_req, res) => {
  res.status(404).json({ error: "not found" });
});

app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
  // express.json() reports bad bodies with a status of their own (400, 413, 415).
  const status = error instanceof HttpError ? error.status : ((error as { status?: number }).status ?? 500);
  res.status(status).json({ error: status >= 500 && !(error instanceof HttpError) ? "internal error" : (error as Error).message });
});

const server = app.listen(config.port, config.host);
process.on("SIGTERM", () => {
  server.close();
  users.close();
  orders.close();
});
