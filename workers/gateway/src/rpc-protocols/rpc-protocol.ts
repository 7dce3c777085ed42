/**
 * The RPC protocols the edge speaks besides REST, told apart the way their clients
 * announce them: Connect unary (POST with application/json or application/proto, or
 * GET with ?connect=v1) and gRPC-Web (application/grpc-web[+proto], base64 "text" mode
 * as application/grpc-web-text[+proto]).
 */
export type RpcProtocol = { kind: "connect"; binary: boolean; get: boolean } | { kind: "grpc-web"; text: boolean };

// "/user.v1.UserService/GetUserById": a dotted service name, then a method name.
const rpcPath = /^\/([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\/([A-Za-z_]\w*)$/;

/** The "package.Service/Method" a path names, or undefined for any other path (REST, docs). */
export function rpcPathOf(pathname: string): string | undefined {
  const match = rpcPath.exec(pathname);
  return match === null ? undefined : `${match[1]}/${match[2]}`;
}

const mediaTypeOf = (request: Request) => (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();

/** The protocol of a request to an RPC path; anything unrecognised answers in Connect's (JSON) format. */
export function rpcProtocolOf(request: Request): RpcProtocol {
  const mediaType = mediaTypeOf(request);
  if (mediaType === "application/grpc-web-text" || mediaType === "application/grpc-web-text+proto") return { kind: "grpc-web", text: true };
  if (mediaType === "application/grpc-web" || mediaType === "application/grpc-web+proto") return { kind: "grpc-web", text: false };
  if (request.method === "GET") return { kind: "connect", binary: new URL(request.url).searchParams.get("encoding") === "proto", get: true };
  return { kind: "connect", binary: mediaType === "application/proto", get: false };
}

/** Whether a Connect POST carries one of Connect's unary media types (else: unsupported). */
export function isSupportedRequestType(request: Request, protocol: RpcProtocol): boolean {
  if (protocol.kind === "grpc-web" || protocol.get) return true;
  const mediaType = mediaTypeOf(request);
  return mediaType === "application/json" || mediaType === "application/proto";
}
