import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { ValidationError } from '../errors.js';
import { auditCommand } from './audit.command.js';
import { recordAudit } from './audit-log.js';

let testDatabase: TestDatabase;

beforeEach(async () => {
  testDatabase = await createTestDatabase();
  for (const id of ['p-1', 'p-2', 'p-3']) {
    await testDatabase.database.transaction((tx) =>
      recordAudit(tx, {
        actor: { type: 'user', id: 'u-1' },
        action: 'directory.person.update',
        target: { type: 'person', id },
        outcome: 'success',
      }),
    );
  }
});
afterEach(async () => {
  process.exitCode = undefined;
  await testDatabase.drop();
});

/** Runs `audit <args>` against the test database; its output and the exit code it set. */
async function run(...args: string[]): Promise<{ stdout: string; exitCode: number | string | undefined }> {
  const stdout = new PassThrough();
  process.exitCode = undefined;
  await auditCommand(async () => testDatabase.database, { stdout, stderr: new PassThrough() }).parseAsync([
    'node',
    'huitong-audit',
    ...args,
  ]);
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  stdout.end();
  let text = '';
  for await (const chunk of stdout) text += String(chunk);
  return { stdout: text, exitCode };
}

describe('huitong audit verify', () => {
  it('reports an intact log with its head, and exits 0', async () => {
    const head = await sql<{ hash: string }>`select hash from platform.audit_log where seq = 3`.execute(
      testDatabase.database.kysely,
    );
    const { stdout, exitCode } = await run('verify');
    expect(exitCode).toBeUndefined();
    expect(stdout).toBe(`审计日志完好 / audit log intact: 3 entries, head seq 3 hash ${head.rows[0]!.hash}\n`);
  });

  it('names the first tampered entry and exits 3', async () => {
    await testDatabase.database.transaction(async (tx) => {
      await sql`alter table platform.audit_log disable trigger user`.execute(tx);
      await sql`update platform.audit_log set target_id = 'p-9' where seq = 2`.execute(tx);
    });
    const { stdout, exitCode } = await run('verify');
    expect(exitCode).toBe(3);
    expect(stdout).toContain('first bad entry seq 2 (hash_mismatch)');
    expect(stdout).toContain('条目被修改过');
  });

  it('checks against an anchor given on the command line', async () => {
    const { stdout, exitCode } = await run('verify', '--anchor-seq', '4', '--anchor-hash', 'a'.repeat(64));
    expect(exitCode).toBe(3);
    expect(stdout).toContain('first bad entry seq 4 (tail_missing)');
  });

  it('refuses half an anchor', async () => {
    await expect(run('verify', '--anchor-seq', '3')).rejects.toBeInstanceOf(ValidationError);
    await expect(run('verify', '--anchor-seq', '3x', '--anchor-hash', 'a'.repeat(64))).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
