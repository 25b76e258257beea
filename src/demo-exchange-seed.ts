/**
 * The demo district's data exchange, made on a fresh embedded start after the demo accounts: the
 * four demo standards with their code lists, and the demo departmental systems as members with
 * publication rights and approved subscriptions. Each system's client secret is added to
 * `demo-accounts.txt` (mode 0600) beside the demo passwords, so someone trying the platform can get
 * a token and publish; it is never printed or logged.
 */
import { appendFile } from 'node:fs/promises';
import { seedDemoMembers, seedDemoStandards } from './modules/exchange/index.js';
import type { Database } from './platform/db/database.js';
import type { SecretBox } from './platform/secrets/secret-box.js';

/** @example await seedDemoExchange(database, { secrets, credentialsFile }); */
export async function seedDemoExchange(
  database: Database,
  options: { secrets: SecretBox; credentialsFile: string },
): Promise<void> {
  await seedDemoStandards(database.kysely);
  const { credentials } = await seedDemoMembers(database.kysely, { secrets: options.secrets });
  if (credentials.length === 0) return;
  const lines = [
    '',
    '# 数据交换演示系统（OAuth 客户端凭据）Exchange demo systems (OAuth client credentials, scope "exchange")',
    ...credentials.map((entry) => `${entry.memberId}\t${entry.clientSecret}`),
  ];
  await appendFile(options.credentialsFile, `${lines.join('\n')}\n`, { mode: 0o600 });
}
