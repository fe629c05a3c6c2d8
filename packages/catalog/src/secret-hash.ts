import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/*
 * Slow hashes of client secrets: scrypt (RFC 7914) with a random 16-byte salt, the parameters kept in the
 * stored string so they can be raised later without invalidating older hashes:
 * `scrypt$N=16384,r=8,p=1$<salt, base64url>$<32-byte key, base64url>`. N = 2^14, r = 8 uses 16 MiB and some
 * tens of milliseconds per hash: OWASP's minimum for scrypt is N = 2^17 with r = 8 for passwords; client
 * secrets are 256 random bits, which no amount of hashing needs to stretch, so the cost here is defence in
 * depth against a stolen database, not the only line.
 */

/** Default scrypt parameters of new hashes. */
export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Refuse stored parameters beyond these (a tampered row must not make verification eat the machine). */
const MAX = { N: 1 << 20, r: 32, p: 16 };
const FORMAT = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function derive(secret: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, keyLength, options, (error, key) => (error === null ? resolve(key) : reject(error)));
  });
}

function memoryFor(params: { N: number; r: number }): number {
  // scrypt needs 128 * N * r bytes; leave headroom over Node's 32 MiB default.
  return 128 * params.N * params.r * 2;
}

/** The stored form of `secret`: `scrypt$N=…,r=…,p=…$salt$key`. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(secret, salt, KEY_LENGTH, { ...SCRYPT_PARAMS, maxmem: memoryFor(SCRYPT_PARAMS) });
  const { N, r, p } = SCRYPT_PARAMS;
  return `scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * Whether `secret` matches hash `stored`, compared in constant time. A malformed `stored` (or parameters
 * beyond sane limits) never matches; it does not throw.
 */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const m = FORMAT.exec(stored);
  if (m === null) return false;
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.N < 2 || params.N > MAX.N || (params.N & (params.N - 1)) !== 0) return false;
  if (params.r < 1 || params.r > MAX.r || params.p < 1 || params.p > MAX.p) return false;
  const salt = Buffer.from(m[4]!, 'base64url');
  const expected = Buffer.from(m[5]!, 'base64url');
  if (expected.length < 16) return false;
  const key = await derive(secret, salt, expected.length, { ...params, maxmem: memoryFor(params) });
  return timingSafeEqual(key, expected);
}
