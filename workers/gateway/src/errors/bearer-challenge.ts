/** RFC 6750 §3: the WWW-Authenticate value of a 401. */
export function bearerChallenge(error?: "invalid_token"): string {
  // Without a token, no error code (§3.1): the client simply did not authenticate.
  return error === undefined ? 'Bearer realm="grpc-edge"' : `Bearer realm="grpc-edge", error="${error}"`;
}
