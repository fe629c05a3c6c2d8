import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { type WebDb, webTables } from './web-store';

const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...params, maxmem: 64 * 1024 * 1024 }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

/** Hashes `password` with scrypt and a random salt: `scrypt$N=…,r=…,p=…$<salt b64url>$<key b64url>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return `scrypt$N=${PARAMS.N},r=${PARAMS.r},p=${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether `password` matches `stored` (constant-time compare); false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (match === null) return false;
  const expected = Buffer.from(match[5]!, 'base64url');
  const key = await derive(password, Buffer.from(match[4]!, 'base64url'), {
    N: Number(match[1]),
    r: Number(match[2]),
    p: Number(match[3]),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Sets (or replaces) the console password of user `principalId`. */
export async function setPassword(db: WebDb, principalId: string, password: string): Promise<void> {
  const hash = await hashPassword(password);
  const now = Date.now();
  await db.run(async (q) => {
    const { WebPasswords } = webTables(q);
    await q.orm
      .insert(WebPasswords)
      .values({ principalId, hash, updatedAt: now })
      .onConflictDoUpdate({ target: WebPasswords.principalId, set: { hash, updatedAt: now } });
  });
}

let decoy: Promise<string> | undefined;

/**
 * Whether user `principalId` has password `password`. A user without a password hashes a decoy, so the
 * answer takes as long either way.
 */
export async function checkPassword(db: WebDb, principalId: string, password: string): Promise<boolean> {
  const [row] = await db.run((q) => {
    const { WebPasswords } = webTables(q);
    return q.orm.select().from(WebPasswords).where(eq(WebPasswords.principalId, principalId)).limit(1);
  });
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = await verifyPassword(password, row?.hash ?? (await decoy));
  return row !== undefined && ok;
}
