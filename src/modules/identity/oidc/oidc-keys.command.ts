/**
 * `huitong oidc keys [--rotate [--now]]`: lists the OpenID Provider's keys, or starts a rotation.
 * A rotation publishes the new keys at once and lets them sign after the lead time; running servers
 * pick the change up within their poll interval. `--now` makes the new keys sign at once (a key is
 * compromised): tokens signed by the old keys keep verifying until those keys retire.
 */
import { Command } from 'commander';
import type { Database } from '../../../platform/db/database.js';
import { bilingual } from '../../../platform/i18n/messages.js';
import type { SecretBox } from '../../../platform/secrets/secret-box.js';
import './oidc.messages.js';
import { KEY_PUBLISH_LEAD_MS } from './oidc-lifetimes.js';
import { listSigningKeys, rotateSigningKeys } from './oidc-signing-key.service.js';

/** Where the command writes: the process's stdout, or a test's. */
export interface KeysCommandOutput {
  stdout: NodeJS.WritableStream;
}

/**
 * The `oidc` command group. It opens the database itself (and closes it), so it runs without the rest
 * of the platform.
 * @example program.addCommand(oidcKeysCommand(async () => ({ database: await openDatabase(…), secrets: secretBox(await loadSecretKey(config.secretKey, config.dataDir)) })));
 */
export function oidcKeysCommand(
  open: () => Promise<{ database: Database; secrets: SecretBox }>,
  output: KeysCommandOutput = { stdout: process.stdout },
): Command {
  const oidc = new Command('oidc').description('OpenID Provider 统一身份认证');
  oidc
    .command('keys')
    .description('列出或轮换签名密钥 list or rotate the signing and cookie keys')
    .option('--rotate', '生成新密钥 start a rotation: new keys, published first, signing after the lead time')
    .option('--now', '与 --rotate 一起使用：新密钥立即签名 with --rotate: the new keys sign at once')
    .action(async (options: { rotate?: boolean; now?: boolean }) => {
      const { database, secrets } = await open();
      try {
        if (options.rotate) {
          const kids = await rotateSigningKeys(database.kysely, secrets, { immediate: !!options.now });
          const key = options.now ? 'identity.oidc_keys.rotated_now' : 'identity.oidc_keys.rotated';
          output.stdout.write(
            `${bilingual(key, { kids: kids.join(', '), leadMinutes: KEY_PUBLISH_LEAD_MS / 60_000 }, '\n')}\n`,
          );
        }
        const keys = await listSigningKeys(database.kysely);
        for (const key of keys) {
          const dates = [key.createdAt, key.activatedAt, key.retiredAt].map((date) => date?.toISOString() ?? '-');
          output.stdout.write(`${[key.kid, key.use, key.alg, key.state, ...dates].join('\t')}\n`);
        }
        output.stdout.write(`${bilingual('identity.oidc_keys.listed', { count: keys.length })}\n`);
      } finally {
        await database.close();
      }
    });
  return oidc;
}
