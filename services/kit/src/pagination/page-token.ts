/**
 * The opaque page_token of keyset pagination: base64url of a small versioned
 * JSON, `{"v":1,"list":"orders:user=7","after":42}` — the list it belongs to and
 * the last id the previous page ended with. Not signed: forging one only moves
 * where a list the caller may read anyway starts.
 */
interface TokenV1 {
  v: 1;
  list: string;
  after: number;
}

const MAX_ID = 2_147_483_647; // ids are int32

export function encodePageToken(list: string, afterId: number): string {
  const token: TokenV1 = { v: 1, list, after: afterId };
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

/** The id the next page starts after, or undefined when `token` is not one `encodePageToken(list, …)` made. */
export function decodePageToken(list: string, token: string): number | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { v, list: tokenList, after } = parsed as Partial<TokenV1>;
  if (v !== 1 || tokenList !== list) return undefined;
  if (typeof after !== "number" || !Number.isInteger(after) || after < 1 || after > MAX_ID) return undefined;
  return after;
}
