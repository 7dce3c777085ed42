/** One Connect streaming envelope: flags (0x02: end of stream) and its payload. */
export interface Envelope {
  flags: number;
  data: Uint8Array;
}

export const endStreamFlag = 0b10;

/** Frames the body of a Connect streaming call (JSON): flags, big-endian length, the message. */
export function encodeEnvelope(flags: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + data.byteLength);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, data.byteLength);
  out.set(data, 5);
  return out;
}

/**
 * Reads envelopes off a streaming response body as they arrive. An envelope over
 * `maxBytes`, or a body that ends inside one, is an error: the service broke the protocol.
 */
export function envelopeReader(body: ReadableStream<Uint8Array>, maxBytes = 1 << 20): { next(): Promise<Envelope | undefined>; cancel(): Promise<void> } {
  const reader = body.getReader();
  let buffered = new Uint8Array(0);
  return {
    async next() {
      for (;;) {
        if (buffered.byteLength >= 5) {
          const length = new DataView(buffered.buffer, buffered.byteOffset, buffered.byteLength).getUint32(1);
          if (length > maxBytes) throw new Error(`a stream message of ${length} bytes is over the ${maxBytes}-byte limit`);
          if (buffered.byteLength >= 5 + length) {
            const envelope = { flags: buffered[0]!, data: buffered.slice(5, 5 + length) };
            buffered = buffered.slice(5 + length);
            return envelope;
          }
        }
        const { done, value } = await reader.read();
        if (done) {
          if (buffered.byteLength > 0) throw new Error("the stream ended inside a message");
          return undefined;
        }
        const joined = new Uint8Array(buffered.byteLength + value.byteLength);
        joined.set(buffered);
        joined.set(value, buffered.byteLength);
        buffered = joined;
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}
