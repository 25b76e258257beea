/**
 * Secrets at rest: TOTP seeds, OpenID signing keys and other credentials the platform must read back
 * are stored sealed with AES-256-GCM under one platform key, never in clear. The key comes from
 * HUITONG_SECRET_KEY (every process of a PostgreSQL deployment shares it) or, on the embedded
 * default, from a file in the data dir created on first start with mode 0600. Whoever holds the
 * database alone holds nothing usable.
 *
 * Each sealed value is bound to a context (e.g. `identity.totp:<account id>`) as additional
 * authenticated data, so a sealed value copied to another row does not open there.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DomainError } from '../errors.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const VERSION = 'v1';

export interface SecretBox {
  /** Seals `plain` for `context`: `v1.<iv>.<ciphertext>.<tag>`, base64url. */
  seal(plain: string, context: string): string;
  /** Opens a sealed value; throws `secrets.unsealable` if it was altered, moved or sealed under another key. */
  open(sealed: string, context: string): string;
}

/**
 * A box over a 32-byte key.
 * @example const box = secretBox(randomBytes(32)); box.open(box.seal('x', 'ctx'), 'ctx') === 'x'
 */
export function secretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new Error(`the platform secret key must be ${KEY_BYTES} bytes`);
  return {
    seal(plain, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv, body, cipher.getAuthTag()]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed, context) {
      const [version, iv, body, tag] = sealed.split('.');
      if (version !== VERSION || !iv || body === undefined || !tag) throw unsealable();
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw unsealable();
      }
    },
  };
}

/**
 * The platform key: decoded from `configured` (base64 or base64url of 32 bytes) when given, else read
 * from `<dataDir>/secret.key`, created there on first use.
 */
export async function loadSecretKey(configured: string | undefined, dataDir: string): Promise<Buffer> {
  if (configured) return decodeKey(configured, 'HUITONG_SECRET_KEY');
  const file = path.join(dataDir, 'secret.key');
  try {
    return decodeKey((await readFile(file, 'utf8')).trim(), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(KEY_BYTES);
  try {
    // 'wx': two processes starting at once must not each write their own key.
    await writeFile(file, `${key.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return decodeKey((await readFile(file, 'utf8')).trim(), file);
  }
}

function decodeKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), 'base64url');
  if (key.length !== KEY_BYTES)
    throw new Error(`${source}: the platform secret key must be ${KEY_BYTES} bytes in base64`);
  return key;
}

function unsealable(): DomainError {
  return new DomainError('internal', 'secrets.unsealable');
}
