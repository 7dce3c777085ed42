/**
 * What a cached read depends on and what a write changes, as "resource tags": each
 * cached read is filed under the current version of its tag, and a write bumps the
 * versions of the tags it touches, which makes every identity's entry for them stale.
 *
 *   GET /api/users               → users        GET /api/users/7, /api/users/7/orders → users/7
 *   GET /api/orders/5            → orders/5     GET /api/items, /api/items/3           → items, items/3
 *
 * A write to /api/{kind}/{id}… touches {kind}/{id} and the list {kind}; one to /api/{kind}
 * touches the list. Orders live inside their user (GET /users/7 embeds them), so a write
 * whose answer names a `userId` (create, cancel) touches users/{userId} and users too.
 */
const ids = /^[1-9][0-9]{0,9}$/;
const kinds = /^[a-z][a-z0-9-]{0,31}$/;

/** The tag of a cacheable read, or undefined: then it is not cached (odd spellings of an id included). */
export function readTag(pathname: string): string | undefined {
  const parts = apiSegments(pathname);
  if (parts === undefined) return undefined;
  const [kind, id] = parts;
  if (kind === undefined || !kinds.test(kind)) return undefined;
  if (id === undefined) return parts.length === 1 ? kind : undefined;
  return ids.test(id) ? `${kind}/${id}` : undefined;
}

/** The tags a successful (or possibly successful) write invalidates. */
export function writeTags(pathname: string, answer: unknown): string[] {
  const tags = new Set<string>();
  const parts = apiSegments(pathname);
  const [kind, rawId] = parts ?? [];
  if (kind !== undefined && kinds.test(kind)) {
    tags.add(kind);
    // "/orders/5:cancel" names order 5.
    const id = rawId?.replace(/:[A-Za-z]+$/, "");
    if (id !== undefined && ids.test(id)) tags.add(`${kind}/${id}`);
  }
  const userId = typeof answer === "object" && answer !== null ? (answer as { userId?: unknown }).userId : undefined;
  if (typeof userId === "number" && ids.test(String(userId))) {
    tags.add("users");
    tags.add(`users/${userId}`);
  }
  return [...tags];
}

/** "/api/users/7/orders" → ["users", "7", "orders"], percent-decoded; undefined outside /api or if undecodable. */
function apiSegments(pathname: string): string[] | undefined {
  const [empty, api, ...rest] = pathname.split("/");
  if (empty !== "" || api !== "api" || rest.length === 0) return undefined;
  try {
    return rest.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}
