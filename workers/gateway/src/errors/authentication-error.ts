import { Code } from "@connectrpc/connect";
import { bearerChallenge } from "./bearer-challenge.ts";
import { HttpError } from "./http-error.ts";

/**
 * 401 with an RFC 6750 challenge. The detail is the same for every bad token (malformed,
 * wrong signature, expired, wrong issuer…): which check failed helps an attacker only.
 */
export class AuthenticationError extends HttpError {
  constructor(reason: "missing" | "invalid") {
    super(
      401,
      "unauthenticated",
      "Unauthenticated",
      Code.Unauthenticated,
      reason === "missing" ? "This request needs a bearer token." : "The bearer token is invalid or expired.",
      { "WWW-Authenticate": bearerChallenge(reason === "missing" ? undefined : "invalid_token") },
    );
  }
}
