/**
 * The two algorithm suites the exchange signs and hashes with, chosen by configuration
 * (`HUITONG_EXCHANGE_CRYPTO`): international (Ed25519 over SHA-256 digests) or China's national
 * ones (SM2 signatures with SM3, GB/T 32918 and GB/T 32905), which a deployment under a
 * 密码应用安全性评估 must use. Both come from Node's own OpenSSL; nothing here is home-made crypto.
 *
 * An SM2 key must be loaded from PEM: OpenSSL then treats it as an SM2 key and signs with the SM2
 * scheme (with its Z value over the default distinguishing identifier), where a freshly generated EC
 * key on the SM2 curve would sign plain ECDSA.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

export const CRYPTO_SUITES = ['international', 'national'] as const;
export type CryptoSuite = (typeof CRYPTO_SUITES)[number];

export const SIGNING_ALGORITHMS = ['ed25519', 'sm2-sm3'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** @example algorithmOf('national') // 'sm2-sm3' */
export function algorithmOf(suite: CryptoSuite): SigningAlgorithm {
  return suite === 'national' ? 'sm2-sm3' : 'ed25519';
}

/** The digest an algorithm's entries are hashed with: SHA-256 beside Ed25519, SM3 beside SM2. */
export function digest(algorithm: SigningAlgorithm, ...parts: Array<Buffer | string>): Buffer {
  const hash = createHash(algorithm === 'sm2-sm3' ? 'sm3' : 'sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

export interface KeyPairPem {
  publicKeyPem: string;
  privateKeyPem: string;
}

export function generateSigningKeyPair(algorithm: SigningAlgorithm): KeyPairPem {
  const pair =
    algorithm === 'sm2-sm3' ? generateKeyPairSync('ec', { namedCurve: 'SM2' }) : generateKeyPairSync('ed25519');
  return {
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export function privateKeyOf(pem: string): KeyObject {
  return createPrivateKey(pem);
}

export function publicKeyOf(pem: string): KeyObject {
  return createPublicKey(pem);
}

/** Ed25519 signs the message itself (its digest is inside the scheme); SM2 hashes with SM3. */
export function signBytes(algorithm: SigningAlgorithm, key: KeyObject, data: Buffer | string): Buffer {
  return sign(algorithm === 'sm2-sm3' ? 'sm3' : null, Buffer.from(data), key);
}

export function verifyBytes(
  algorithm: SigningAlgorithm,
  key: KeyObject,
  data: Buffer | string,
  signature: Buffer,
): boolean {
  try {
    return verify(algorithm === 'sm2-sm3' ? 'sm3' : null, Buffer.from(data), key, signature);
  } catch {
    return false; // a malformed signature is a failed one, not a crash of the verifier
  }
}
