import type { DescMessage } from "@bufbuild/protobuf";
import { fieldViolation, violationsError } from "../validation/index.ts";
import { decodePageToken, encodePageToken } from "./page-token.ts";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** The page_size / page_token pair every List RPC of ours has. */
export interface PageRequest {
  pageSize: number;
  pageToken: string;
}

/** What to select: `WHERE id > afterId ORDER BY id LIMIT limit + 1` (one more, to see whether a page follows). */
export interface PageQuery {
  list: string;
  limit: number;
  afterId: number;
}

/**
 * Reads a List request. `list` names the listing (with its filters, e.g.
 * "orders:user=7") so that a token of one list is refused by another. Bad
 * values are INVALID_ARGUMENT on the field, like protovalidate's.
 */
export function pageQuery(schema: DescMessage, req: PageRequest, list: string): PageQuery {
  const field = (name: string) => schema.fields.find((f) => f.name === name)!;
  // protovalidate rejects these first; kept so a handler never runs an unbounded query.
  if (req.pageSize < 0 || req.pageSize > MAX_PAGE_SIZE) {
    throw violationsError([fieldViolation(field("page_size"), `must be between 0 and ${MAX_PAGE_SIZE}`, "page_size.range")]);
  }
  let afterId = 0;
  if (req.pageToken !== "") {
    const decoded = decodePageToken(list, req.pageToken);
    if (decoded === undefined) {
      throw violationsError([
        fieldViolation(field("page_token"), "not a next_page_token of this list; start again without one", "page_token.valid"),
      ]);
    }
    afterId = decoded;
  }
  return { list, limit: req.pageSize === 0 ? DEFAULT_PAGE_SIZE : req.pageSize, afterId };
}

/** Cuts the look-ahead row off `rows` (selected with `limit + 1`) and makes the token of the next page. */
export function keysetPage<T extends { id: number }>(query: PageQuery, rows: readonly T[]): { items: T[]; nextPageToken: string } {
  if (rows.length <= query.limit) return { items: [...rows], nextPageToken: "" };
  const items = rows.slice(0, query.limit);
  return { items, nextPageToken: encodePageToken(query.list, items.at(-1)!.id) };
}
