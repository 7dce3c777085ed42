/** "00".."ff": a byte's two hex digits by lookup, not toString/padStart per byte (it runs twice per request). */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/**
 * A random trace (16 bytes) or span (8 bytes) id in lowercase hex, from the Workers'
 * CSPRNG. All zeros is the one invalid id; it is redrawn (odds 2^-64 at worst).
 */
export function randomId(bytes: 8 | 16): string {
  const buffer = new Uint8Array(bytes);
  for (;;) {
    crypto.getRandomValues(buffer);
    let hex = "";
    let zero = true;
    for (const byte of buffer) {
      hex += HEX[byte]!;
      if (byte !== 0) zero = false;
    }
    if (!zero) return hex;
  }
}
