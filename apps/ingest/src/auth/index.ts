/** Bearer-token authentication of producers: control-plane JWTs and long-lived producer tokens. */
export type { Authenticator, Principal } from './authenticator.js';
export { type AuthenticatorOptions, createAuthenticator } from './create-authenticator.js';
export {
  createProducerToken,
  hashProducerToken,
  PRODUCER_TOKEN_PREFIX,
  type ProducerToken,
  parseProducerToken,
} from './producer-token.js';
