// Shared by every tier that reads a secret (gateway, services, `npm run token`): a value
// copied from .dev.vars.example, or one a person typed to fill the field, is a key that
// everybody knows, however long it is.

/** The values .dev.vars.example ships (its test keeps this list and the file in step). */
export const EXAMPLE_SECRETS: readonly string[] = [
  "replace-me-with-at-least-32-random-bytes",
  "replace-me-with-another-32-random-bytes",
];

/** Why `value` is a placeholder rather than a secret, or undefined when it is not one. */
export function placeholderSecretReason(value: string): string | undefined {
  if (EXAMPLE_SECRETS.includes(value)) return "is the example value from .dev.vars.example; generate a real one";
  if (/^(.)\1*$/su.test(value)) return "is one character repeated; generate a real one";
  if (/replace[-_ ]?me|change[-_ ]?me/i.test(value)) return "is a placeholder; generate a real one";
  return undefined;
}
