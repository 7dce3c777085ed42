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
    if (flags & 0x80) {
      const text = new TextDecoder().decode(body.subarray(offset + 5, end));
      const status = /^grpc-status:\s*(\d+)\s*$/im.exec(text)?.[1];
      return status === undefined ? undefined : Number(status);
    }
    offset = end;
  }
  return undefined;
}
