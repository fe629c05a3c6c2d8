import { createHash, randomBytes } from 'node:crypto';

/** Producer tokens read `lsp_<id>_<secret>`; the id holds no underscore, the secret may. */
export const PRODUCER_TOKEN_PREFIX = 'lsp_';

/** A new producer token: the token (shown once to its owner), its id and the hash the catalog stores. */
export interface ProducerToken {
  /** `lsp_<id>_<secret>`: what the producer sends as `authorization: Bearer <token>`. */
  readonly token: string;
  /** The credential id (letters, digits, dashes). */
  readonly id: string;
  /** `sha256:<hex>` of the whole token: the credential's `tokenHash`. */
  readonly hash: string;
}

/**
 * Makes a long-lived producer token: a random 16-character lower-case id (unless `id` is given; letters, digits and
 * dashes only) and a 256-bit random secret (base64url). Used by the control plane and by tests. Throws
 * `TypeError` for an id with other characters.
 */
export function createProducerToken(options: { id?: string } = {}): ProducerToken {
  const id =
    options.id ?? randomBytes(12).toString('base64url').replace(/[_-]/g, 'x').slice(0, 16).toLowerCase();
  if (!/^[A-Za-z0-9-]+$/.test(id)) {
    throw new TypeError(`a producer token id is letters, digits and dashes only, got '${id}'`);
  }
  const token = `${PRODUCER_TOKEN_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  return { token, id, hash: hashProducerToken(token) };
}

/** `sha256:<hex>` of a producer token, as stored in the catalog (`credentials[].tokenHash`). */
export function hashProducerToken(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

/** The id and secret of `lsp_<id>_<secret>`, or `undefined` when the token does not have that form. */
export function parseProducerToken(token: string): { id: string; secret: string } | undefined {
  if (!token.startsWith(PRODUCER_TOKEN_PREFIX)) return undefined;
  const rest = token.slice(PRODUCER_TOKEN_PREFIX.length);
  const cut = rest.indexOf('_');
  if (cut <= 0 || cut === rest.length - 1) return undefined;
  return { id: rest.slice(0, cut), secret: rest.slice(cut + 1) };
}
