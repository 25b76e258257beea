import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PASSWORD_HASH_PARAMS,
  hashPassword,
  KEYCLOAK_ARGON2ID_PARAMS,
  verifyAgainstDummy,
  verifyPassword,
} from './password-hashing.js';

describe('hashPassword', () => {
  it('writes an argon2id PHC string with the OWASP minimum parameters', async () => {
    const stored = await hashPassword('Lantern-Festival-2025');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(DEFAULT_PASSWORD_HASH_PARAMS).toEqual({ memoryKiB: 19_456, iterations: 2, parallelism: 1 });
  });

  it('salts every hash', async () => {
    expect(await hashPassword('Lantern-Festival-2025')).not.toBe(await hashPassword('Lantern-Festival-2025'));
  });

  it('records the parameters it was given', async () => {
    const stored = await hashPassword('Lantern-Festival-2025', KEYCLOAK_ARGON2ID_PARAMS);
    expect(parseOptions(stored)).toMatchObject({ memoryCost: 7_168, timeCost: 5, parallelism: 1 });
  });
});

describe('verifyPassword', () => {
  it('accepts the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('Lantern-Festival-2025');
    expect(await verifyPassword(stored, 'Lantern-Festival-2025')).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword(stored, 'lantern-festival-2025')).toEqual({ ok: false, needsRehash: false });
  });

  it('asks for a rehash when the stored parameters are not the current ones', async () => {
    const stored = await hashPassword('Lantern-Festival-2025', KEYCLOAK_ARGON2ID_PARAMS);
    expect(await verifyPassword(stored, 'Lantern-Festival-2025')).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword(stored, 'Lantern-Festival-2025', KEYCLOAK_ARGON2ID_PARAMS)).toEqual({
      ok: true,
      needsRehash: false,
    });
  });

  it('never asks for a rehash of a wrong password, which it could not rehash', async () => {
    const stored = await hashPassword('Lantern-Festival-2025', KEYCLOAK_ARGON2ID_PARAMS);
    expect(await verifyPassword(stored, 'wrong')).toEqual({ ok: false, needsRehash: false });
  });

  it('matches a password typed in full-width with its half-width form (NFKC)', async () => {
    const stored = await hashPassword('Abc123-spring');
    expect((await verifyPassword(stored, 'Ａｂｃ１２３－ｓｐｒｉｎｇ')).ok).toBe(true);
  });

  it('throws on a stored value that is not an argon2 hash', async () => {
    await expect(verifyPassword('$2b$10$notargon', 'x')).rejects.toThrow();
  });
});

describe('verifyAgainstDummy', () => {
  it('always fails', async () => {
    expect(await verifyAgainstDummy('Lantern-Festival-2025')).toEqual({ ok: false, needsRehash: false });
    expect(await verifyAgainstDummy('')).toEqual({ ok: false, needsRehash: false });
  });
});
