/**
 * The RPC protocols the edge speaks besides REST, told apart the way their clients
 * announce them: Connect unary (POST with application/json or application/proto, or
 * GET with ?connect=v1), Connect streaming (application/connect+json or +proto: enveloped
 * messages, an end-of-stream message last) and gRPC-Web (application/grpc-web[+proto],
 * base64 "text" mode as application/grpc-web-text[+proto]; the same framing for unary
 * and streaming calls).
 */
export type RpcProtocol = { kind: "connect"; binary: boolean; get: boolean; stream?: boolean } | { kind: "grpc-web"; text: boolean };

/** gRPC-Web's media type as the edge answers it (and sends it on: binary). */
export const grpcWebType = (text: boolean) => (text ? "application/grpc-web-text+proto" : "application/grpc-web+proto");

/** Connect streaming's media type for a codec (also the answer's). */
export const connectStreamType = (binary: boolean) => (binary ? "application/connect+proto" : "application/connect+json");

// "/user.v1.UserService/GetUserById": a dotted service name, then a method name.
const rpcPath = /^\/([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\/([A-Za-z_]\w*)$/;

/** The "package.Service/Method" a path names, or undefined for any other path (REST, docs). */
export function rpcPathOf(pathname: string): string | undefined {
  const match = rpcPath.exec(pathname);
  return match === null ? undefined : `${match[1]}/${match[2]}`;
}

/**
 * Whether a request at an RPC-shaped path is an RPC call, whose errors are in its
 * protocol's format: the path names a service of the contract (its internal RPCs are
 * not_found in that format too), or the request speaks what only RPC clients send
 * (gRPC-Web, Connect streaming or binary, a Connect GET). Anything else at such a path
 * (`/openapi.json/x`) is REST's: 404 problem JSON.
 */
export function isRpcCall(request: Request, path: string, services: ReadonlySet<string>): boolean {
  if (services.has(path.slice(0, path.indexOf("/")))) return true;
  const mediaType = mediaTypeOf(request);
  if (mediaType.startsWith("application/grpc-web") || mediaType.startsWith("application/connect+") || mediaType === "application/proto") return true;
  return request.method === "GET" && new URL(request.url).searchParams.get("connect") === "v1";
}

const mediaTypeOf = (request: Request) => (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();

/** The protocol of a request to an RPC path; anything unrecognised answers in Connect's (JSON) format. */
export function rpcProtocolOf(request: Request): RpcProtocol {
  const mediaType = mediaTypeOf(request);
  if (mediaType === "application/grpc-web-text" || mediaType === "application/grpc-web-text+proto") return { kind: "grpc-web", text: true };
  if (mediaType === "application/grpc-web" || mediaType === "application/grpc-web+proto") return { kind: "grpc-web", text: false };
  if (mediaType.startsWith("application/connect+")) return { kind: "connect", binary: mediaType === connectStreamType(true), get: false, stream: true };
  if (request.method === "GET") return { kind: "connect", binary: new URL(request.url).searchParams.get("encoding") === "proto", get: true };
  return { kind: "connect", binary: mediaType === "application/proto", get: false };
}

/**
 * Whether a request carries a media type for the kind of method it calls (else:
 * unsupported): gRPC-Web frames both kinds alike; Connect has unary media types for
 * unary methods and streaming ones for streaming methods.
 */
export function isSupportedRequestType(request: Request, protocol: RpcProtocol, streaming = false): boolean {
  if (protocol.kind === "grpc-web") return true;
  if (streaming) return protocol.stream === true && mediaTypeOf(request) === connectStreamType(protocol.binary);
  if (protocol.get) return true;
  const mediaType = mediaTypeOf(request);
  return mediaType === "application/json" || mediaType === "application/proto";
}
