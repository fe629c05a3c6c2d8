import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { join } from 'node:path';
import type { SnapshotTokenKey } from '@lakestream/catalog';
import { readOrCreateSecretFile } from '../secret-file';

/** The console's token-signing key: Ed25519, its key id, and the public half as a JWK. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: { readonly kty: 'OKP'; readonly crv: 'Ed25519'; readonly x: string };
}

/** The file under the data directory holding the private key (PKCS#8 PEM, mode 0600). */
export const SIGNING_KEY_FILE = 'oauth-signing-key.pem';

function fromPrivateKey(privateKey: KeyObject): SigningKey {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new Error('the signing key is not an Ed25519 key');
  }
  // The key id names the key, not the deployment: the first 16 bytes of SHA-256 of the public key.
  const kid = `ls-${createHash('sha256').update(jwk.x).digest('base64url').slice(0, 22)}`;
  return { kid, privateKey, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x } };
}

/** A new in-memory signing key (tests; a console without a data directory). */
export function createSigningKey(): SigningKey {
  return fromPrivateKey(generateKeyPairSync('ed25519').privateKey);
}

/**
 * The signing key kept in `<dataDir>/oauth-signing-key.pem`, generated on first start. Throws when the file
 * exists but is not an Ed25519 private key.
 */
export function loadOrCreateSigningKey(dataDir: string): SigningKey {
  const pem = readOrCreateSecretFile(join(dataDir, SIGNING_KEY_FILE), () =>
    generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  );
  return fromPrivateKey(createPrivateKey(pem));
}

/** The key as the provisioning snapshot publishes it (`tokenKeys[]`): public part only. */
export function toSnapshotTokenKey(key: SigningKey): SnapshotTokenKey {
  return { kid: key.kid, alg: 'EdDSA', publicJwk: key.publicJwk };
}
