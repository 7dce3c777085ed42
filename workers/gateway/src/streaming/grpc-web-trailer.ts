/** gRPC-Web's trailer frame flag: the frame carries HTTP/1-style "name: value" lines, not a message. */
export const grpcWebTrailerFlag = 0x80;

/** grpc-status and grpc-message (percent-decoded) of a trailer frame's text; status undefined without one. */
export function parseGrpcWebTrailer(text: string): { status: number | undefined; message: string } {
  const status = /^grpc-status:[ \t]*(\d+)[ \t]*\r?$/im.exec(text)?.[1];
  const message = /^grpc-message:[ \t]*(.*?)[ \t]*\r?$/im.exec(text)?.[1] ?? "";
  let decoded = message;
  try {
    decoded = decodeURIComponent(message);
  } catch {
    // Not percent-encoded after all: shown as sent.
  }
  return { status: status === undefined ? undefined : Number(status), message: decoded };
}

/** A trailer frame's text for a status and a message (percent-encoded, as gRPC-Web carries it). */
export function formatGrpcWebTrailer(status: number, message: string): string {
  return `grpc-status: ${status}\r\n${message === "" ? "" : `grpc-message: ${encodeURIComponent(message)}\r\n`}`;
}

/**
 * The grpc-status of a buffered gRPC-Web answer's trailer frame (flags 0x80, HTTP/1-style
 * "name: value" lines after the messages); undefined without a readable one.
 */
export function grpcWebTrailerStatus(body: Uint8Array): number | undefined {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  for (let offset = 0; offset + 5 <= body.byteLength; ) {
    const flags = body[offset]!;
    const length = view.getUint32(offset + 1);
    const end = offset + 5 + length;
    if (end > body.byteLength) return undefined;
    if (flags & grpcWebTrailerFlag) return parseGrpcWebTrailer(new TextDecoder().decode(body.subarray(offset + 5, end))).status;
    offset = end;
  }
  return undefined;
}
