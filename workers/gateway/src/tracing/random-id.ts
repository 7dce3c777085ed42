/**
 * A random trace (16 bytes) or span (8 bytes) id in lowercase hex, from the Workers'
 * CSPRNG. All zeros is the one invalid id; it is redrawn (odds 2^-64 at worst).
 */
export function randomId(bytes: 8 | 16): string {
  const buffer = new Uint8Array(bytes);
  let hex: string;
  do {
    crypto.getRandomValues(buffer);
    hex = Array.from(buffer, (b) => b.toString(16).padStart(2, "0")).join("");
  } while (/^0+$/.test(hex));
  return hex;
}
