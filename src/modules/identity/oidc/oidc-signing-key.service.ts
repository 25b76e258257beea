/**
 * The provider's keys, kept in the database sealed under the platform key, so every process of a
 * deployment signs with the same keys and no key file has to be copied around.
 *
 * Rotation without downtime, per algorithm (RS256 and ES256 for tokens, HS256 for cookies):
 * 1. `rotateSigningKeys` adds a `next` key: published in the JWKS, not yet signing.
 * 2. After `KEY_PUBLISH_LEAD_MS`, `advanceSigningKeys` makes it `current` (it signs) and the former one
 *    `retired` (still published, so what it signed still verifies).
 * 3. After `KEY_RETIREMENT_MS` the retired key is deleted and leaves the JWKS.
 * `advanceSigningKeys` runs on the provider's maintenance timer; an emergency rotation (a key is
 * compromised) passes `immediate` and skips step 2's wait.
 */

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { recordAudit } from '../../../platform/audit/audit-log.js';
import { SYSTEM_ACTOR } from '../../../platform/authorization.js';
import type { Executor } from '../../../platform/db/database.js';
import { inTransaction } from '../../../platform/db/database.js';
import type { SecretBox } from '../../../platform/secrets/secret-box.js';
import type { SigningKeyAlg, SigningKeyState, SigningKeyUse } from './oidc.tables.js';
import { KEY_PUBLISH_LEAD_MS, KEY_RETIREMENT_MS } from './oidc-lifetimes.js';
import {
  deleteKeys,
  insertKey,
  lockKeys,
  type StoredKey,
  selectKeys,
  selectKeysVersion,
  setKeyState,
} from './oidc-signing-key.repository.js';

/** The key kinds the provider keeps one current key of. RS256 first: ID tokens default to it. */
const KEY_KINDS: ReadonlyArray<{ use: SigningKeyUse; alg: SigningKeyAlg }> = [
  { use: 'sig', alg: 'RS256' },
  { use: 'sig', alg: 'ES256' },
  { use: 'cookie', alg: 'HS256' },
];

export type Jwk = Record<string, unknown> & { kid: string };

/** What the provider is built from. */
export interface KeyMaterial {
  /** Private JWKs: the current keys first (they sign), then next and retired ones (verify only). */
  jwks: Jwk[];
  /** Cookie keys: the current one signs, every one verifies. */
  cookieKeys: string[];
  version: string;
}

/** A key as listed to the operator: never the private part. */
export interface SigningKeyInfo {
  kid: string;
  alg: SigningKeyAlg;
  use: SigningKeyUse;
  state: SigningKeyState;
  createdAt: Date;
  activatedAt: Date | null;
  retiredAt: Date | null;
}

export interface KeyTiming {
  now?: Date;
  publishLeadMs?: number;
  retirementMs?: number;
}

/**
 * The sealing context of a key's private part.
 * @example keyContext('q1w2e3r4t5y6u7i8') // 'identity.oidc.key:q1w2e3r4t5y6u7i8'
 */
export function keyContext(kid: string): string {
  return `identity.oidc.key:${kid}`;
}

/**
 * Creates a current key of each kind that has none: on the first start, once, whichever process is first.
 * @example await ensureSigningKeys(database.kysely, runtime.secrets);
 */
export async function ensureSigningKeys(executor: Executor, secrets: SecretBox, timing: KeyTiming = {}): Promise<void> {
  const now = timing.now ?? new Date();
  await inTransaction(executor, async (tx) => {
    await lockKeys(tx);
    const keys = await selectKeys(tx);
    const created: string[] = [];
    for (const kind of KEY_KINDS) {
      if (keys.some((key) => sameKind(key, kind) && key.state === 'current')) continue;
      created.push(await createKey(tx, secrets, kind, 'current', now));
    }
    if (created.length > 0) await audit(tx, 'identity.oidc_key.create', { created });
  });
}

/**
 * Starts a rotation: a `next` key of each kind, published at once and signing after the lead time
 * (or at once with `immediate`). A kind that already has a next key keeps it. Returns the new kids.
 * @example const kids = await rotateSigningKeys(db, secrets, { immediate: false });
 */
export async function rotateSigningKeys(
  executor: Executor,
  secrets: SecretBox,
  options: { immediate?: boolean } & KeyTiming = {},
): Promise<string[]> {
  const now = options.now ?? new Date();
  return inTransaction(executor, async (tx) => {
    await lockKeys(tx);
    const keys = await selectKeys(tx);
    const created: string[] = [];
    const activated: string[] = [];
    const retired: string[] = [];
    for (const kind of KEY_KINDS) {
      let next = keys.find((key) => sameKind(key, kind) && key.state === 'next')?.kid;
      if (!next) {
        next = await createKey(tx, secrets, kind, 'next', now);
        created.push(next);
      }
      if (options.immediate) {
        const current = keys.find((key) => sameKind(key, kind) && key.state === 'current');
        if (current) {
          await setKeyState(tx, current.kid, 'retired', now);
          retired.push(current.kid);
        }
        await setKeyState(tx, next, 'current', now);
        activated.push(next);
      }
    }
    await audit(tx, 'identity.oidc_key.rotate', { created, activated, retired, immediate: !!options.immediate });
    return created;
  });
}

/**
 * Moves rotations on: next keys published long enough become current, retired keys kept long enough
 * are deleted. Returns whether anything changed. Safe to run from every process at once.
 * @example if (await advanceSigningKeys(db)) await provider.reload();
 */
export async function advanceSigningKeys(executor: Executor, timing: KeyTiming = {}): Promise<boolean> {
  const now = timing.now ?? new Date();
  const lead = timing.publishLeadMs ?? KEY_PUBLISH_LEAD_MS;
  const retirement = timing.retirementMs ?? KEY_RETIREMENT_MS;
  return inTransaction(executor, async (tx) => {
    await lockKeys(tx);
    const keys = await selectKeys(tx);
    const activated: string[] = [];
    const retired: string[] = [];
    for (const kind of KEY_KINDS) {
      const ready = keys.filter(
        (key) => sameKind(key, kind) && key.state === 'next' && now.getTime() - key.createdAt.getTime() >= lead,
      );
      const newest = ready.at(-1);
      if (!newest) continue;
      // Retire first: one current key per kind, even within the transaction (unique index).
      const current = keys.find((key) => sameKind(key, kind) && key.state === 'current');
      if (current) {
        await setKeyState(tx, current.kid, 'retired', now);
        retired.push(current.kid);
      }
      await setKeyState(tx, newest.kid, 'current', now);
      activated.push(newest.kid);
    }
    const dropped = keys
      .filter(
        (key) => key.state === 'retired' && key.retiredAt && now.getTime() - key.retiredAt.getTime() >= retirement,
      )
      .map((key) => key.kid);
    await deleteKeys(tx, dropped);
    const changed = activated.length + dropped.length > 0;
    if (changed) await audit(tx, 'identity.oidc_key.advance', { activated, retired, dropped });
    return changed;
  });
}

/**
 * The keys, opened, in the order the provider wants them.
 * @example const { jwks, cookieKeys } = await loadKeyMaterial(db, secrets);
 */
export async function loadKeyMaterial(executor: Executor, secrets: SecretBox): Promise<KeyMaterial> {
  const version = await selectKeysVersion(executor);
  const keys = await selectKeys(executor);
  const rank = (key: StoredKey) => (key.state === 'current' ? 0 : key.state === 'next' ? 1 : 2);
  const ordered = [...keys].sort((a, b) => rank(a) - rank(b));
  const opened = ordered.map((key) => ({
    key,
    jwk: JSON.parse(secrets.open(key.privateJwkSealed, keyContext(key.kid))) as Jwk,
  }));
  return {
    // A next or retired key must verify but never sign: key_ops keeps the provider from choosing it.
    jwks: opened
      .filter(({ key }) => key.use === 'sig')
      .map(({ key, jwk }) => (key.state === 'current' ? jwk : { ...jwk, key_ops: ['verify'] })),
    cookieKeys: opened.filter(({ key }) => key.use === 'cookie').map(({ jwk }) => String(jwk.k)),
    version,
  };
}

/**
 * A cheap fingerprint of the key set: a process polls it to notice another's rotation.
 * @example if ((await signingKeysVersion(db)) !== loaded.version) await reload();
 */
export function signingKeysVersion(executor: Executor): Promise<string> {
  return selectKeysVersion(executor);
}

/**
 * Every key with its state and dates, for the operator.
 * @example for (const key of await listSigningKeys(db)) console.log(key.kid, key.state);
 */
export async function listSigningKeys(executor: Executor): Promise<SigningKeyInfo[]> {
  return (await selectKeys(executor)).map(({ kid, alg, use, state, createdAt, activatedAt, retiredAt }) => ({
    kid,
    alg,
    use,
    state,
    createdAt,
    activatedAt,
    retiredAt,
  }));
}

async function createKey(
  executor: Executor,
  secrets: SecretBox,
  kind: { use: SigningKeyUse; alg: SigningKeyAlg },
  state: SigningKeyState,
  now: Date,
): Promise<string> {
  const kid = randomBytes(12).toString('base64url');
  const { privateJwk, publicJwk } = generate(kind.alg, kid);
  await insertKey(executor, {
    kid,
    alg: kind.alg,
    use: kind.use,
    privateJwkSealed: secrets.seal(JSON.stringify(privateJwk), keyContext(kid)),
    publicJwk,
    state,
    now,
  });
  return kid;
}

function generate(alg: SigningKeyAlg, kid: string): { privateJwk: Jwk; publicJwk: Jwk | null } {
  if (alg === 'HS256')
    return { privateJwk: { kty: 'oct', kid, k: randomBytes(32).toString('base64url') }, publicJwk: null };
  const pair =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const meta = { kid, alg, use: 'sig' };
  return {
    privateJwk: { ...pair.privateKey.export({ format: 'jwk' }), ...meta },
    publicJwk: { ...pair.publicKey.export({ format: 'jwk' }), ...meta },
  };
}

function sameKind(key: StoredKey, kind: { use: SigningKeyUse; alg: SigningKeyAlg }): boolean {
  return key.use === kind.use && key.alg === kind.alg;
}

async function audit(executor: Executor, action: string, details: Record<string, unknown>): Promise<void> {
  await recordAudit(executor, {
    actor: SYSTEM_ACTOR,
    action,
    target: { type: 'oidc_keys', id: 'identity' },
    outcome: 'success',
    details,
  });
}
