/**
 * The exchange server that test/exchange-faults.test.ts kills. `setup` makes the demo organisation
 * and standards, a publishing member and a push subscriber to the test's hook, and prints the
 * publisher's client secret as JSON; `serve` runs the whole platform on a free port (publishing and
 * pushing, like `huitong serve`) and prints `{"port": …}`.
 *
 * Usage: tsx exchange-crash-child.ts setup|serve <PGlite data dir | PostgreSQL URL> <work dir> <hook url>
 */
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { seedDemoOrganisation } from '../../src/modules/directory/index.js';
import { seedDemoStandards } from '../../src/modules/exchange/index.js';
import { grantPublisher, registerMember } from '../../src/modules/exchange/member.service.js';
import { approveSubscription, requestSubscription } from '../../src/modules/exchange/subscription.service.js';
import { SYSTEM_ACTOR } from '../../src/platform/authorization.js';
import { openRuntime } from '../../src/runtime.js';

const [mode, target, workDir, hookUrl] = process.argv.slice(2);
if (!mode || !target || !workDir || !hookUrl) {
  throw new Error('usage: exchange-crash-child.ts setup|serve <data dir | url> <work dir> <hook url>');
}
const onServer = /^postgres(ql)?:/.test(target);
const config = loadConfig({
  HUITONG_DATA_DIR: onServer ? workDir : target,
  ...(onServer ? { DATABASE_URL: target } : {}),
  HUITONG_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
  HUITONG_DEMO_SEED: 'false',
  LOG_LEVEL: 'silent',
  PORT: '0',
  HUITONG_EXCHANGE_RETRY_MAX_MS: process.env.HUITONG_EXCHANGE_RETRY_MAX_MS ?? '',
});
const runtime = await openRuntime(config, { migrate: true });

if (mode === 'setup') {
  const db = runtime.database.kysely;
  const deps = { policy: runtime.policy, secrets: runtime.secrets };
  await seedDemoOrganisation(runtime.database);
  await seedDemoStandards(db);
  const member = (id: string) =>
    registerMember(
      db,
      SYSTEM_ACTOR,
      { id, nameZh: `系统${id}`, nameEn: `System ${id}`, ownerOrgUnitCode: 'D07', zone: 'internal' },
      deps,
    );
  const { clientSecret } = await member('gaj-rkxt');
  await member('mz-jzxt');
  await grantPublisher(db, SYSTEM_ACTOR, 'population-basic', 'gaj-rkxt', deps);
  const subscription = await requestSubscription(
    db,
    SYSTEM_ACTOR,
    { memberId: 'mz-jzxt', standardCode: 'population-basic', mode: 'push', endpoint: hookUrl },
    deps,
  );
  await approveSubscription(db, SYSTEM_ACTOR, subscription.id, deps);
  await runtime.close();
  process.stdout.write(`${JSON.stringify({ clientSecret })}\n`);
} else {
  const app = await buildApp(runtime, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  await runtime.exchange!.transport.start();
  const address = app.server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
}
