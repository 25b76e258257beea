/**
 * `huitong exchange verify`: proves the message log unaltered (exit code 3 when it is not, like
 * `huitong audit verify`, so monitoring can alert on it); `huitong exchange keys --rotate` retires
 * the current signing key for a new one.
 */
import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { bilingual } from '../../platform/i18n/messages.js';
import type { SecretBox } from '../../platform/secrets/secret-box.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './exchange-crypto.js';
import './exchange-messages.messages.js';
import { pruneMessageLog } from './log-retention.js';
import { verifyMessageLog } from './log-verify.js';
import { listSigningKeys, rotateExchangeKey } from './signing-key.service.js';

const TAMPERED = 3;

export interface CommandOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * @example program.addCommand(exchangeCommand(openDatabase, openWithSecrets));
 */
export function exchangeCommand(
  openDatabase: () => Promise<Database>,
  openWithSecrets: () => Promise<{ database: Database; secrets: SecretBox }>,
  output: CommandOutput = { stdout: process.stdout, stderr: process.stderr },
): Command {
  const exchange = new Command('exchange').description('数据交换 data exchange');
  exchange
    .command('verify')
    .description('校验消息日志的哈希链、签名和检查点 verify the message log (exit code 3 when it was altered)')
    .action(async () => {
      const database = await openDatabase();
      const bar = output.stderr.isTTY
        ? new cliProgress.SingleBar(
            { stream: output.stderr, clearOnComplete: true },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let started = false;
      try {
        const result = await verifyMessageLog(database.kysely, (checked, total) => {
          if (!started) {
            bar?.start(total, 0);
            started = true;
          }
          bar?.update(checked);
        });
        bar?.stop();
        if (result.ok) {
          output.stdout.write(
            `${bilingual(result.checked === 0 ? 'exchange.verify.empty' : 'exchange.verify.ok', result)}\n`,
          );
        } else {
          output.stdout.write(`${bilingual('exchange.verify.failed', result)}\n`);
          process.exitCode = TAMPERED;
        }
      } finally {
        bar?.stop();
        await database.close();
      }
    });
  exchange
    .command('prune')
    .description('按保留期清理消息日志（截至已签名检查点）prune the message log to a signed checkpoint')
    .requiredOption('--days <days>', 'keep entries received within this many days')
    .action(async (options: { days: string }) => {
      const days = /^\d+$/.test(options.days) ? Number(options.days) : Number.NaN;
      if (!Number.isInteger(days) || days < 1) throw new Error('--days must be a whole number of days, at least 1');
      const database = await openDatabase();
      try {
        const result = await pruneMessageLog(database.kysely, SYSTEM_ACTOR, new Date(Date.now() - days * 86_400_000));
        output.stdout.write(`${bilingual('exchange.prune.done', { ...result })}\n`);
      } finally {
        await database.close();
      }
    });
  exchange
    .command('keys')
    .description('列出或轮换交换签名密钥 list or rotate the exchange signing keys')
    .option('--rotate', 'retire the current key of the algorithm and make a new one')
    .addOption(new Option('--algorithm <algorithm>', 'which key').choices([...SIGNING_ALGORITHMS]).default('ed25519'))
    .action(async (options: { rotate?: boolean; algorithm: SigningAlgorithm }) => {
      const { database, secrets } = await openWithSecrets();
      try {
        if (options.rotate) await rotateExchangeKey(database.kysely, SYSTEM_ACTOR, options.algorithm, secrets);
        for (const key of await listSigningKeys(database.kysely)) {
          const state = key.retiredAt ? `retired ${key.retiredAt.toISOString()}` : 'current';
          output.stdout.write(`${key.id}\t${key.algorithm}\t${state}\n`);
        }
      } finally {
        await database.close();
      }
    });
  return exchange;
}
