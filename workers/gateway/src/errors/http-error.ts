import type { Code } from "@connectrpc/connect";

/**
 * A failure of the HTTP exchange itself (body too large, not JSON) that no RPC code
 * maps to exactly; rendered with its own status, and `code` for the RPC vocabulary.
 */
export class HttpError extends Error {
  override name = "HttpError";
  readonly status: number;
  /** Last part of the problem type URI, e.g. "payload-too-large". */
  readonly slug: string;
  readonly title: string;
  readonly code: Code;
  /** Response headers the status needs, e.g. WWW-Authenticate on a 401. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, slug: string, title: string, code: Code, detail: string, headers: Record<string, string> = {}) {
    super(detail);
    this.headers = headers;
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.code = code;
  }
}
