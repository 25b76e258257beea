import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.js';
import { secretBox } from '../../../platform/secrets/secret-box.js';
import { databaseAdapter } from './oidc-adapter.js';
import { oidcKeysCommand } from './oidc-keys.command.js';
import { pruneExpired } from './oidc-payload.repository.js';
import {
  advanceSigningKeys,
  ensureSigningKeys,
  keyContext,
  listSigningKeys,
  loadKeyMaterial,
  rotateSigningKeys,
  signingKeysVersion,
} from './oidc-signing-key.service.js';

let test: TestDatabase;
const secrets = secretBox(randomBytes(32));
const MINUTE = 60_000;

beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test.drop());

const states = async () =>
  (await listSigningKeys(test.database.kysely)).map((key) => `${key.use}/${key.alg}/${key.state}`).sort();

describe('the signing keys', () => {
  it('creates one current key of each kind on first start, once, sealed', async () => {
    await ensureSigningKeys(test.database.kysely, secrets);
    await ensureSigningKeys(test.database.kysely, secrets);
    expect(await states()).toEqual(['cookie/HS256/current', 'sig/ES256/current', 'sig/RS256/current']);
    const { rows } = await sql<{ kid: string; private_jwk: string; public_jwk: unknown }>`
      select kid, private_jwk, public_jwk from identity.oidc_signing_key where alg = 'RS256'`.execute(
      test.database.kysely,
    );
    const [row] = rows;
    expect(row!.private_jwk).toMatch(/^v1\./);
    expect(JSON.stringify(row!.public_jwk)).not.toContain('"d"');
    // The sealed key opens only as its own kid.
    expect(() => secrets.open(row!.private_jwk, keyContext('someone-else'))).toThrow();
    const material = await loadKeyMaterial(test.database.kysely, secrets);
    expect(material.jwks.map((jwk) => jwk.alg)).toEqual(expect.arrayContaining(['RS256', 'ES256']));
    expect(material.cookieKeys).toHaveLength(1);
  });

  it('publishes a new key first, makes it sign after the lead time, and drops the old one after retirement', async () => {
    const db = test.database.kysely;
    const start = new Date();
    const versionBefore = await signingKeysVersion(db);
    const created = await rotateSigningKeys(db, secrets, { now: start });
    expect(created).toHaveLength(3);
    expect(await signingKeysVersion(db)).not.toBe(versionBefore);
    const during = await loadKeyMaterial(db, secrets);
    // Published but verify-only; the current keys come first and sign.
    expect(during.jwks).toHaveLength(4);
    expect(
      during.jwks
        .filter((jwk) => jwk.key_ops === undefined)
        .map((jwk) => jwk.alg)
        .sort(),
    ).toEqual(['ES256', 'RS256']);
    expect(during.jwks.slice(2).every((jwk) => JSON.stringify(jwk.key_ops) === '["verify"]')).toBe(true);

    expect(await advanceSigningKeys(db, { now: new Date(start.getTime() + 5 * MINUTE) })).toBe(false);
    expect(await advanceSigningKeys(db, { now: new Date(start.getTime() + 11 * MINUTE) })).toBe(true);
    expect(await states()).toEqual([
      'cookie/HS256/current',
      'cookie/HS256/retired',
      'sig/ES256/current',
      'sig/ES256/retired',
      'sig/RS256/current',
      'sig/RS256/retired',
    ]);
    const after = await loadKeyMaterial(db, secrets);
    expect(
      after.jwks
        .slice(0, 2)
        .map((jwk) => jwk.kid)
        .sort(),
    ).toEqual(created.filter((kid) => after.jwks.some((jwk) => jwk.kid === kid)).sort());
    expect(after.cookieKeys).toHaveLength(2);

    expect(await advanceSigningKeys(db, { now: new Date(start.getTime() + 14 * 60 * MINUTE) })).toBe(true);
    expect(await states()).toEqual(['cookie/HS256/current', 'sig/ES256/current', 'sig/RS256/current']);
  });

  it('rotates at once for an emergency, keeping the old key published', async () => {
    const db = test.database.kysely;
    await rotateSigningKeys(db, secrets, { immediate: true });
    expect((await states()).filter((state) => state.endsWith('retired'))).toHaveLength(3);
    expect((await states()).filter((state) => state.endsWith('current'))).toHaveLength(3);
  });

  it('lists and rotates from the command line', async () => {
    let out = '';
    const stdout = new Writable({
      write(chunk, _encoding, done) {
        out += chunk;
        done();
      },
    });
    const command = oidcKeysCommand(async () => ({ database: await openOwnHandle(), secrets }), { stdout });
    await command.parseAsync(['node', 'oidc', 'keys', '--rotate']);
    expect(out).toContain('已生成新密钥');
    expect(out).toMatch(/\tsig\tRS256\tnext\t/);
    expect(out).toContain('9 个密钥');
  });
});

describe('the provider storage', () => {
  it('stores, finds, consumes and revokes by grant, one model at a time, and prunes what expired', async () => {
    const adapter = databaseAdapter(test.database, secrets);
    const codes = adapter('AuthorizationCode');
    const tokens = adapter('AccessToken');
    await codes.upsert('code-1', { grantId: 'g1', accountId: 'p1' }, 60);
    await tokens.upsert('at-1', { grantId: 'g1', accountId: 'p1' }, 60);
    await tokens.upsert('at-old', { grantId: 'g2' }, -1);
    expect(await codes.find('code-1')).toEqual({ grantId: 'g1', accountId: 'p1' });
    expect(await tokens.find('at-old')).toBeUndefined();
    await codes.consume('code-1');
    expect((await codes.find('code-1'))?.consumed).toEqual(expect.any(Number));
    await codes.revokeByGrantId('g1');
    expect(await codes.find('code-1')).toBeUndefined();
    expect(await tokens.find('at-1')).toBeDefined();
    const sessions = adapter('Session');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'p1' }, 60);
    expect(await sessions.findByUid('u1')).toMatchObject({ accountId: 'p1' });
    expect(await pruneExpired(test.database.kysely)).toBe(1);
    expect(await adapter('Client').find('no-such-client')).toBeUndefined();
  });
});

/** The command closes the handle it is given: hand it a second one on the same database. */
async function openOwnHandle() {
  if (!test.url) {
    // PGlite in memory has one handle; keep it open for the other tests by ignoring close.
    return { ...test.database, close: async () => {} };
  }
  const { openDatabase } = await import('../../../platform/db/database.js');
  return openDatabase({ databaseUrl: test.url, poolSize: 1 });
}
