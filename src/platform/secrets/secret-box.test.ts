import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSecretKey, secretBox } from './secret-box.js';

describe('secretBox', () => {
  const box = secretBox(randomBytes(32));

  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'identity.totp:a1');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed, 'identity.totp:a1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('seals the same value differently each time', () => {
    expect(box.seal('x', 'c')).not.toBe(box.seal('x', 'c'));
  });

  it('refuses a value moved to another context, altered, or sealed under another key', () => {
    const sealed = box.seal('secret', 'identity.totp:a1');
    expect(() => box.open(sealed, 'identity.totp:a2')).toThrow('secrets.unsealable');
    const parts = sealed.split('.');
    parts[2] = Buffer.from('tampered!').toString('base64url');
    expect(() => box.open(parts.join('.'), 'identity.totp:a1')).toThrow('secrets.unsealable');
    expect(() => secretBox(randomBytes(32)).open(sealed, 'identity.totp:a1')).toThrow('secrets.unsealable');
    expect(() => box.open('not sealed', 'identity.totp:a1')).toThrow('secrets.unsealable');
  });
});

describe('loadSecretKey', () => {
  let dir: string;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates a key file readable only by its owner on first use and reads the same key after', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'huitong-secret-'));
    const first = await loadSecretKey(undefined, dir);
    const second = await loadSecretKey(undefined, dir);
    expect(first.equals(second)).toBe(true);
    expect((await stat(path.join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
    expect((await readFile(path.join(dir, 'secret.key'), 'utf8')).trim()).toBe(first.toString('base64url'));
  });

  it('takes a configured key in base64 and refuses one of the wrong length', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'huitong-secret-'));
    const key = randomBytes(32);
    expect((await loadSecretKey(key.toString('base64'), dir)).equals(key)).toBe(true);
    await expect(loadSecretKey(randomBytes(16).toString('base64'), dir)).rejects.toThrow('32 bytes');
  });
});
