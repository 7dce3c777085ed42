/** Thrown for a known path asked with a method it does not serve; rendered as 405 with Allow. */
export class MethodNotAllowedError extends Error {
  override name = "MethodNotAllowedError";
  readonly allow: readonly string[];

  constructor(method: string, allow: readonly string[]) {
    super(`${method} is not allowed here; use ${allow.join(" or ")}`);
    this.allow = allow;
  }
}
