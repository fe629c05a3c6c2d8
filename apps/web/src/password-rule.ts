/**
 * The console's password rule, one module for the server (`auth` and `principals` routers) and the pages
 * that ask for a password (setup, account, an admin setting a user's password): 8 to 1024 characters, any
 * characters (a passphrase with spaces is welcome). No imports, so pages may bundle it.
 */
export const MIN_PASSWORD_LENGTH = 8;

/** The longest password (scrypt hashes any length; this bounds the work a request can ask for). */
export const MAX_PASSWORD_LENGTH = 1024;

/** The rule as sentences, shown under every new-password field. */
export const PASSWORD_RULE_SENTENCES = [
  `At least ${MIN_PASSWORD_LENGTH} and at most ${MAX_PASSWORD_LENGTH} characters.`,
  'Any characters: a phrase with spaces is easier to remember than a short jumble.',
] as const;

/** Why `password` breaks the rule, in the words the server refuses it with, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `at most ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
}
