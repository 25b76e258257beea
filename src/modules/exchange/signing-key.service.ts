/**
 * The exchange's signing keys: kept in the database sealed under the platform key, so every process
 * of a deployment signs with the same key, and retired keys stay so that old log entries verify.
 * The current key of an algorithm is made on first use; `rotateExchangeKey` retires it for a new one.
 */

import type { KeyObject } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import type { SecretBox } from '../../platform/secrets/secret-box.js';
import { generateSigningKeyPair, privateKeyOf, publicKeyOf, type SigningAlgorithm } from './exchange-crypto.js';

export interface SigningKey {
  id: string;
  algorithm: SigningAlgorithm;
  privateKey: KeyObject;
}

export interface PublicSigningKey {
  id: string;
  algorithm: SigningAlgorithm;
  publicKeyPem: string;
  createdAt: Date;
  retiredAt: Date | null;
}

function sealContext(id: string): string {
  return `exchange.signing_key:${id}`;
}

/**
 * The current key of an algorithm, created (and audited) when there is none yet.
 * @example const key = await currentSigningKey(db, 'ed25519', secrets);
 */
export async function currentSigningKey(
  executor: Executor,
  algorithm: SigningAlgorithm,
  secrets: SecretBox,
): Promise<SigningKey> {
  const row = await selectCurrent(executor, algorithm);
  if (row) return { id: row.id, algorithm, privateKey: privateKeyOf(secrets.open(row.sealed, sealContext(row.id))) };
  return inTransaction(executor, async (tx) => {
    // Two processes starting at once must not both make a key: the second one waits and takes the first's.
    await sql`select pg_advisory_xact_lock(hashtext('exchange.signing_key'))`.execute(tx);
    const again = await selectCurrent(tx, algorithm);
    if (again) {
      return { id: again.id, algorithm, privateKey: privateKeyOf(secrets.open(again.sealed, sealContext(again.id))) };
    }
    return createKey(tx, algorithm, secrets, { type: 'system', id: 'exchange' });
  });
}

/**
 * Retires the current key of an algorithm and makes a new one; old entries keep verifying.
 * @example await rotateExchangeKey(db, actor, 'sm2-sm3', secrets);
 */
export async function rotateExchangeKey(
  executor: Executor,
  actor: Actor,
  algorithm: SigningAlgorithm,
  secrets: SecretBox,
): Promise<PublicSigningKey> {
  return inTransaction(executor, async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('exchange.signing_key'))`.execute(tx);
    await sql`update exchange.signing_key set retired_at = now()
              where algorithm = ${algorithm} and retired_at is null`.execute(tx);
    const key = await createKey(tx, algorithm, secrets, actor);
    const keys = await listSigningKeys(tx);
    return keys.find((candidate) => candidate.id === key.id)!;
  });
}

/** Every key, current and retired, with its public half: what a verifier or a subscriber needs. */
export async function listSigningKeys(executor: Executor): Promise<PublicSigningKey[]> {
  const result = await sql<{
    id: string;
    algorithm: SigningAlgorithm;
    public_key_pem: string;
    created_at: Date;
    retired_at: Date | null;
  }>`select id, algorithm, public_key_pem, created_at, retired_at from exchange.signing_key
     order by created_at, id`.execute(executor);
  return result.rows.map((row) => ({
    id: row.id,
    algorithm: row.algorithm,
    publicKeyPem: row.public_key_pem,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
  }));
}

/** The public keys by id, for verifying entries signed under any of them. */
export async function publicKeysById(
  executor: Executor,
): Promise<Map<string, { algorithm: SigningAlgorithm; key: KeyObject }>> {
  const keys = await listSigningKeys(executor);
  return new Map(keys.map((key) => [key.id, { algorithm: key.algorithm, key: publicKeyOf(key.publicKeyPem) }]));
}

async function selectCurrent(executor: Executor, algorithm: SigningAlgorithm) {
  const result = await sql<{ id: string; sealed: string }>`
    select id, private_key_sealed as sealed from exchange.signing_key
    where algorithm = ${algorithm} and retired_at is null`.execute(executor);
  return result.rows[0];
}

async function createKey(
  tx: Executor,
  algorithm: SigningAlgorithm,
  secrets: SecretBox,
  actor: Actor,
): Promise<SigningKey> {
  const id = `${algorithm === 'sm2-sm3' ? 'sm2' : 'ed'}-${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
  const pair = generateSigningKeyPair(algorithm);
  await sql`insert into exchange.signing_key (id, algorithm, public_key_pem, private_key_sealed)
            values (${id}, ${algorithm}, ${pair.publicKeyPem}, ${secrets.seal(pair.privateKeyPem, sealContext(id))})`.execute(
    tx,
  );
  await recordAudit(tx, {
    actor,
    action: 'exchange.signing_key.created',
    target: { type: 'exchange.signing_key', id },
    outcome: 'success',
    details: { algorithm },
  });
  return { id, algorithm, privateKey: privateKeyOf(pair.privateKeyPem) };
}
