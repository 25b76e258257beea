import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { NotFoundError } from '../../platform/errors.js';
import { writeXlsx } from '../../platform/spreadsheets/xlsx-writer.js';
import { upsertOrgUnits } from './org-unit.service.js';
import { findPersonByStaffNo } from './person.service.js';
import { directoryImportCommand } from './staff-import.command.js';

let testDatabase: TestDatabase;
let dir: string;
const db = () => testDatabase.database.kysely;
const people = async () =>
  (await sql<{ n: number }>`select count(*)::int as n from directory.person`.execute(db())).rows[0]!.n;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
  dir = await mkdtemp(path.join(os.tmpdir(), 'huitong-import-'));
});
afterAll(async () => {
  await testDatabase.drop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the command on a file; its exit code and what it wrote. The database stays open for the test. */
async function run(file: string, dryRun = false) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const database = { ...testDatabase.database, close: async () => {} };
  const exitCode = await directoryImportCommand(async () => database, { file, dryRun }, { stdout, stderr });
  stdout.end();
  stderr.end();
  const text = async (stream: PassThrough) => {
    let all = '';
    for await (const chunk of stream) all += String(chunk);
    return all;
  };
  return { exitCode, stdout: await text(stdout), stderr: await text(stderr) };
}

const staff = Array.from({ length: 25 }, (_, index) => [
  `HT4000${String(index + 1).padStart(2, '0')}`,
  `测试${index + 1}`,
  index % 2 === 0 ? 'XD1' : 'XC1',
  '科员',
]);

describe('huitong directory import', () => {
  it('dry-runs an XLSX file: reports what it would do, with progress lines in a log, and keeps nothing', async () => {
    const file = path.join(dir, 'staff.xlsx');
    await writeFile(file, writeXlsx([{ name: 'Sheet1', rows: [['工号', '姓名', '机构代码', '职务'], ...staff] }]));
    const { exitCode, stdout, stderr } = await run(file, true);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('将新增 25');
    expect(stdout).toContain('Dry run (nothing kept): 25 people; 25 would be created');
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe('导入进度 0/25 人 / imported 0/25 people');
    expect(lines.at(-1)).toBe('导入进度 25/25 人 / imported 25/25 people');
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(await people()).toBe(0);
  });

  it('imports a CSV file, telling the format by its bytes when the name does not', async () => {
    const file = path.join(dir, 'staff.txt');
    await writeFile(file, `工号,姓名,机构代码,职务\n${staff.map((row) => row.join(',')).join('\n')}\n`);
    const { exitCode, stdout } = await run(file);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Staff import done: 25 people; 25 created, 0 updated, 0 unchanged.');
    const person = await findPersonByStaffNo(db(), 'HT400002');
    const [history] = (
      await sql<{ actor_id: string }>`
      select actor_id from directory.person_history where person_id = ${person!.id}`.execute(db())
    ).rows;
    expect(history).toEqual({ actor_id: 'huitong.cli' });
  });

  it('prints the bad rows as a table and exits 1, writing nothing', async () => {
    const file = path.join(dir, 'bad.xlsx');
    await writeFile(
      file,
      writeXlsx([
        {
          name: 'Sheet1',
          rows: [
            ['人员名单'],
            [],
            ['工号', '姓名', '手机', '机构代码', '职务'],
            ['HT400099', '某人', '123', 'NOPE', '科员'],
          ],
        },
      ]),
    );
    const before = await people();
    const { exitCode, stdout } = await run(file);
    expect(exitCode).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('文件有 2 处错误，未导入任何数据：');
    expect(lines[2]).toMatch(/^行 row\s+列 column\s+原因 reason\s+说明 explanation$/);
    expect(lines[3]).toMatch(/^4\s+手机 \(mobile\)\s+format\s+格式不正确 \/ wrong format$/);
    expect(lines[4]).toMatch(/^4\s+机构代码 \(org_unit_code\)\s+not_found\s+机构不存在 \/ no such unit$/);
    expect(stdout).not.toContain('某人');
    expect(await people()).toBe(before);
  });

  it('names a file that is not there', async () => {
    await expect(run(path.join(dir, 'missing.csv'))).rejects.toBeInstanceOf(NotFoundError);
  });
});
