export { hasScope, mayReadUser, mayWriteUser, requireReadUser, requireScope, requireWriteUser, Scopes } from "./access-rules.ts";
export { authenticationGate } from "./authentication-gate.ts";
export { callerKey, callerOf, type AuthzDecision, type Caller } from "./caller.ts";
export {
  SERVICE_TOKEN_AUDIENCE,
  SERVICE_TOKEN_CLOCK_SKEW_S,
  SERVICE_TOKEN_ISSUER,
  SERVICE_TOKEN_MAX_TTL_S,
  SERVICE_TOKEN_USER_JTI_CLAIM,
  serviceTokenKey,
  verifyServiceToken,
} from "./service-token.ts";
export { peerAddressKey, peerAddressValues } from "./peer-address.ts";
export { parseTrustedCallers, trustedNetworkOf, type TrustedNetwork } from "./trusted-callers.ts";
