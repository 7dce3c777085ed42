/** Hono's typing of per-request variables shared by the gateway's middleware. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Internal description of a 5xx cause, for the access log only. */
    errorCause?: string;
  };
}
