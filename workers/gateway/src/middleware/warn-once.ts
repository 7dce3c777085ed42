/** `warn`, but only the first time: a missing binding is said once per isolate, not per request. */
export function warnOnce(warn: (message: string) => void): (message: string) => void {
  let warned = false;
  return (message) => {
    if (warned) return;
    warned = true;
    warn(message);
  };
}
