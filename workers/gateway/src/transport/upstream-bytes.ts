/**
 * The wire bytes each decoded upstream answer came from, keyed by the decoded message:
 * a REST answer is written straight from them (transcoding/binary-json.ts) instead of
 * from the message. Weak: gone with the message.
 */
const bytesByMessage = new WeakMap<object, Uint8Array>();

export function rememberUpstreamBytes(message: object, bytes: Uint8Array): void {
  bytesByMessage.set(message, bytes);
}

export function upstreamBytesOf(message: object): Uint8Array | undefined {
  return bytesByMessage.get(message);
}
