/**
 * A strong entity tag of a body: SHA-256 (WebCrypto), the first 16 bytes, base64url.
 * 128 bits keep collisions out of reach while the header stays short.
 */
export async function strongEtag(body: ArrayBuffer | Uint8Array): Promise<string> {
  // A TextEncoder result is typed over ArrayBufferLike in some lib versions; it is never shared here.
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body as BufferSource));
  return `"${base64url(digest.subarray(0, 16))}"`;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * If-None-Match against the current tag, as RFC 9110 §13.1.2 says: `*` matches any,
 * otherwise a comma-separated list compared weakly (W/"x" matches "x").
 */
export function ifNoneMatchHits(header: string | null | undefined, etag: string): boolean {
  if (header === null || header === undefined) return false;
  const trimmed = header.trim();
  if (trimmed === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  const current = opaque(etag);
  return trimmed.split(",").some((tag) => opaque(tag) === current);
}
