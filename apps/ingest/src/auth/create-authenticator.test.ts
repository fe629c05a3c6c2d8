import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { isIngestError } from '../base/errors.js';
import { createMemoryCatalogSource, type MemoryCatalogSource } from '../catalog/memory-catalog-source.js';
import { snapshotFixture } from '../catalog/snapshot-fixture.js';
import type { CatalogSnapshotInput } from '../catalog/snapshot-schema.js';
import { createAuthenticator } from './create-authenticator.js';
import { createProducerToken, hashProducerToken, parseProducerToken } from './producer-token.js';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
type PublicJwk = CatalogSnapshotInput['tokenKeys'][number]['publicJwk'];

const ISSUER = 'https://control-plane.lakestream.test';
const AUDIENCE = 'lakestream-ingest';
const NOW = Date.parse('2026-03-01T12:00:00Z');
const NOW_S = NOW / 1000;

let k1: KeyPair;
let k2: KeyPair;
let stranger: KeyPair;
let k1Jwk: PublicJwk;
let k2Jwk: PublicJwk;
const good = createProducerToken({ id: 'tok-good' });
const revoked = createProducerToken({ id: 'tok-revoked' });
const expired = createProducerToken({ id: 'tok-expired' });
const offToken = createProducerToken({ id: 'tok-off' });

const newKey = () => generateKeyPair('EdDSA', { crv: 'Ed25519' });
const publicJwkOf = async (pair: KeyPair): Promise<PublicJwk> => {
  const jwk = await exportJWK(pair.publicKey);
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x! };
};

beforeAll(async () => {
  k1 = await newKey();
  k2 = await newKey();
  stranger = await newKey();
  k1Jwk = await publicJwkOf(k1);
  k2Jwk = await publicJwkOf(k2);
});

function snapshot(overrides: Partial<CatalogSnapshotInput> = {}): CatalogSnapshotInput {
  return snapshotFixture({
    issuer: ISSUER,
    audience: AUDIENCE,
    principals: [
      { id: 'svc-orders', name: 'svc-orders', kind: 'service' },
      { id: 'svc-off', name: 'svc-off', kind: 'service', disabled: true },
    ],
    grants: [],
    credentials: [
      { id: 'client-orders', principalId: 'svc-orders', kind: 'oauth_client' },
      { id: 'client-revoked', principalId: 'svc-orders', kind: 'oauth_client', revoked: true },
      { id: 'client-off', principalId: 'svc-off', kind: 'oauth_client' },
      { id: 'tok-good', principalId: 'svc-orders', kind: 'producer_token', tokenHash: good.hash },
      {
        id: 'tok-revoked',
        principalId: 'svc-orders',
        kind: 'producer_token',
        tokenHash: revoked.hash,
        revoked: true,
      },
      {
        id: 'tok-expired',
        principalId: 'svc-orders',
        kind: 'producer_token',
        tokenHash: expired.hash,
        expiresAt: NOW - 1000,
      },
      { id: 'tok-off', principalId: 'svc-off', kind: 'producer_token', tokenHash: offToken.hash },
    ],
    tokenKeys: [
      { kid: 'k1', alg: 'EdDSA', publicJwk: k1Jwk },
      { kid: 'k2', alg: 'EdDSA', publicJwk: k2Jwk },
    ],
    ...overrides,
  });
}

interface SignOptions {
  key?: KeyPair;
  kid?: string | undefined;
  claims?: JWTPayload;
  exp?: number | undefined;
  iss?: string;
  aud?: string;
  sub?: string | undefined;
}

async function sign(options: SignOptions = {}): Promise<string> {
  const claims: JWTPayload = { client_id: 'client-orders', ...options.claims };
  const jwt = new SignJWT(claims).setProtectedHeader(
    'kid' in options && options.kid === undefined
      ? { alg: 'EdDSA' }
      : { alg: 'EdDSA', kid: options.kid ?? 'k1' },
  );
  jwt
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? AUDIENCE)
    .setIssuedAt(NOW_S - 10);
  if (!('sub' in options) || options.sub !== undefined) jwt.setSubject(options.sub ?? 'svc-orders');
  if (!('exp' in options) || options.exp !== undefined) jwt.setExpirationTime(options.exp ?? NOW_S + 3600);
  return jwt.sign((options.key ?? k1).privateKey);
}

function authenticator(source: MemoryCatalogSource = createMemoryCatalogSource(snapshot())) {
  return createAuthenticator(source, { now: () => NOW });
}

async function refusal(header: string | undefined, source?: MemoryCatalogSource): Promise<string> {
  const error = await authenticator(source)
    .authenticate(header)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  if (!isIngestError(error, 'UNAUTHENTICATED'))
    throw new Error(`expected UNAUTHENTICATED, got ${String(error)}`);
  return error.message;
}

describe('signed tokens (JWT)', () => {
  it('accepts a valid token: principal from sub, credential from client_id, expiry from exp', async () => {
    const principal = await authenticator().authenticate(`Bearer ${await sign()}`);
    expect(principal).toEqual({
      id: 'svc-orders',
      credentialId: 'client-orders',
      expiresAt: (NOW_S + 3600) * 1000,
    });
  });

  it('takes the credential from azp when client_id is absent, and any key by kid', async () => {
    const token = await sign({ key: k2, kid: 'k2', claims: { client_id: undefined, azp: 'client-orders' } });
    expect((await authenticator().authenticate(`bearer  ${token}`)).credentialId).toBe('client-orders');
  });

  it('allows 30 s of clock skew on exp', async () => {
    const principal = await authenticator().authenticate(`Bearer ${await sign({ exp: NOW_S - 20 })}`);
    expect(principal.id).toBe('svc-orders');
  });

  it('refuses an expired token, saying when it expired', async () => {
    expect(await refusal(`Bearer ${await sign({ exp: NOW_S - 60 })}`)).toBe(
      'the token expired at 2026-03-01T11:59:00.000Z (now 2026-03-01T12:00:00.000Z, 30 s tolerance); get a new one',
    );
  });

  it.each<[string, () => Promise<SignOptions>, string]>([
    ['a token without exp', async () => ({ exp: undefined }), 'the token has no expiry (exp)'],
    ['a token without sub', async () => ({ sub: undefined }), 'the token has no subject (sub)'],
    [
      'a wrong issuer',
      async () => ({ iss: 'https://evil.test' }),
      `wrong issuer "https://evil.test": expected '${ISSUER}'`,
    ],
    [
      'a wrong audience',
      async () => ({ aud: 'other-service' }),
      `wrong audience "other-service": expected '${AUDIENCE}'`,
    ],
    [
      'a bad signature',
      async () => ({ key: stranger }),
      "bad signature: the token does not verify with key 'k1'",
    ],
    [
      'a key of the wrong kid',
      async () => ({ key: k2, kid: 'k1' }),
      "bad signature: the token does not verify with key 'k1'",
    ],
    [
      'an unknown kid',
      async () => ({ kid: 'k9' }),
      "unknown key id 'k9': the node's catalog (version 1) has no such key",
    ],
    ['a token without kid', async () => ({ kid: undefined }), 'the token has no key id (kid) in its header'],
    [
      'a token of no OAuth client',
      async () => ({ claims: { client_id: undefined } }),
      'the token names no OAuth client (no client_id or azp claim)',
    ],
    [
      'a revoked credential',
      async () => ({ claims: { client_id: 'client-revoked' } }),
      "revoked credential 'client-revoked'",
    ],
    [
      'an unknown credential',
      async () => ({ claims: { client_id: 'client-gone' } }),
      "unknown credential 'client-gone'",
    ],
    [
      "another principal's credential",
      async () => ({ claims: { client_id: 'client-off' } }),
      "credential 'client-off' does not belong to principal 'svc-orders'",
    ],
    [
      'a producer token id as client',
      async () => ({ claims: { client_id: 'tok-good' } }),
      "credential 'tok-good' is a producer_token, not a oauth_client",
    ],
    [
      'a disabled principal',
      async () => ({ sub: 'svc-off', claims: { client_id: 'client-off' } }),
      "principal 'svc-off' is disabled",
    ],
    [
      'an unknown principal',
      async () => ({ sub: 'ghost' }),
      "credential 'client-orders' does not belong to principal 'ghost'",
    ],
  ])('refuses %s', async (_name, options, expected) => {
    expect(await refusal(`Bearer ${await sign(await options())}`)).toBe(expected);
  });

  it('refuses a token signed with another algorithm', async () => {
    const hs = await new SignJWT({ sub: 'svc-orders' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(new Uint8Array(32));
    expect(await refusal(`Bearer ${hs}`)).toBe(
      "the token is signed with 'HS256'; this node accepts EdDSA (Ed25519) only",
    );
  });

  it('refuses a token that is not a JWT', async () => {
    expect(await refusal('Bearer abc.def.ghi')).toBe(
      'malformed token: its header is not base64url-encoded JSON',
    );
    expect(await refusal('Bearer hello')).toBe(
      'the bearer token is neither a signed token (JWT) nor a producer token (lsp_<id>_<secret>)',
    );
  });

  it('sees a revocation pushed after the token was issued', async () => {
    const source = createMemoryCatalogSource(snapshot());
    const token = await sign();
    await authenticator(source).authenticate(`Bearer ${token}`);
    const next = snapshot({ version: 2 });
    next.credentials = next.credentials.map((c) => (c.id === 'client-orders' ? { ...c, revoked: true } : c));
    source.replace(next);
    expect(await refusal(`Bearer ${token}`, source)).toBe("revoked credential 'client-orders'");
    // A rotated-out key no longer verifies.
    source.replace(snapshot({ version: 3, tokenKeys: [{ kid: 'k2', alg: 'EdDSA', publicJwk: k2Jwk }] }));
    expect(await refusal(`Bearer ${token}`, source)).toContain("unknown key id 'k1'");
  });
});

describe('producer tokens', () => {
  it('creates lsp_<id>_<secret> tokens whose hash is sha256 of the token', () => {
    const t = createProducerToken();
    expect(t.token).toMatch(/^lsp_[a-z0-9-]{16}_[A-Za-z0-9_-]{43}$/);
    expect(parseProducerToken(t.token)?.id).toBe(t.id);
    expect(t.hash).toBe(hashProducerToken(t.token));
    expect(t.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(() => createProducerToken({ id: 'a_b' })).toThrow(TypeError);
  });

  it('accepts a good token', async () => {
    expect(await authenticator().authenticate(`Bearer ${good.token}`)).toEqual({
      id: 'svc-orders',
      credentialId: 'tok-good',
      expiresAt: undefined,
    });
  });

  it.each<[string, string, string]>([
    ['a wrong secret', `lsp_tok-good_${'x'.repeat(43)}`, "wrong secret for producer token 'tok-good'"],
    ['a revoked token', revoked.token, "revoked credential 'tok-revoked'"],
    [
      'an expired token',
      expired.token,
      `credential 'tok-expired' expired at ${new Date(NOW - 1000).toISOString()}`,
    ],
    ['a token of a disabled principal', offToken.token, "principal 'svc-off' is disabled"],
    ['an unknown token id', createProducerToken({ id: 'tok-new' }).token, "unknown producer token 'tok-new'"],
    [
      'an OAuth client id',
      `lsp_client-orders_${'x'.repeat(43)}`,
      "credential 'client-orders' is not a producer token",
    ],
    ['a malformed token', 'lsp_nounderscore', 'malformed producer token: expected lsp_<id>_<secret>'],
  ])('refuses %s', async (_name, token, expected) => {
    expect(await refusal(`Bearer ${token}`)).toBe(expected);
  });

  it('checks the secret before saying a token is revoked', async () => {
    expect(await refusal(`Bearer lsp_tok-revoked_${'x'.repeat(43)}`)).toBe(
      "wrong secret for producer token 'tok-revoked'",
    );
  });
});

describe('the header', () => {
  it.each<[string | undefined, string]>([
    [undefined, "missing authorization header: send 'authorization: Bearer <token>'"],
    ['', "missing authorization header: send 'authorization: Bearer <token>'"],
    ['Basic dXNlcjpwYXNz', "the authorization header is not a Bearer token: expected 'Bearer <token>'"],
    ['Bearer', "the authorization header is not a Bearer token: expected 'Bearer <token>'"],
    ['Bearer a b', "the authorization header is not a Bearer token: expected 'Bearer <token>'"],
  ])('refuses %j', async (header, expected) => {
    expect(await refusal(header)).toBe(expected);
  });

  it('answers UNAVAILABLE while the node has never been provisioned', async () => {
    const source = createMemoryCatalogSource(snapshot({ version: 0 }));
    const error = await authenticator(source)
      .authenticate(`Bearer ${good.token}`)
      .catch((e: unknown) => e);
    expect(isIngestError(error, 'UNAVAILABLE')).toBe(true);
  });
});
