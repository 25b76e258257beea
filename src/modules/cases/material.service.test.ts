import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaseWorld, createCaseWorld, newResidentId, TEST_FORM_DATA } from '../../../test/support/case-world.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { registerCitizen } from '../identity/index.js';
import { applyOnline, getCase, takeIn } from './case.service.js';
import { act } from './case-transition.service.js';
import { openMaterial, receiveElectronic, receivePaper } from './material.service.js';

let test: TestDatabase;
let world: CaseWorld;
const db = () => test.database.kysely;

beforeAll(async () => {
  test = await createTestDatabase();
  world = await createCaseWorld(db());
});
afterAll(async () => {
  await world.close();
  await test.drop();
});

const file = (content: string, materialIndex: number | null = 0, filename = '申请书.pdf') => ({
  materialIndex,
  filename,
  mediaType: 'application/pdf',
  body: Readable.from([Buffer.from(content)]),
});

async function windowCase() {
  return takeIn(
    db(),
    world.actor('clerk1'),
    {
      itemCode: world.itemCode,
      centreCode: 'XC1',
      applicant: { kind: 'citizen', name: '吴刚', idNumber: newResidentId() },
      form: TEST_FORM_DATA,
    },
    world.deps,
  );
}

describe('materials', () => {
  it('streams a file in, records paper, and ticks the checklist', async () => {
    const c = await windowCase();
    expect(c.checklist.map((line) => [line.nameZh, line.required, line.electronicAccepted, line.received])).toEqual([
      ['食品经营许可申请书', true, true, false],
      ['身份证复印件', true, false, false],
    ]);
    const electronic = await receiveElectronic(db(), world.as('clerk1'), c.id, file('%PDF-1.7 申请书'), world.deps);
    expect(electronic).toMatchObject({
      materialIndex: 0,
      name: '食品经营许可申请书',
      form: 'electronic',
      copies: 1,
      sha256: createHash('sha256').update('%PDF-1.7 申请书').digest('hex'),
      filename: '申请书.pdf',
      mediaType: 'application/pdf',
      bytes: Buffer.byteLength('%PDF-1.7 申请书'),
    });
    const paper = await receivePaper(
      db(),
      world.actor('clerk1'),
      c.id,
      { materialIndex: 1, form: 'copy', copies: 2 },
      world.deps,
    );
    expect(paper).toMatchObject({ materialIndex: 1, name: '身份证复印件', form: 'copy', copies: 2, sha256: null });
    const extra = await receivePaper(
      db(),
      world.actor('clerk1'),
      c.id,
      { name: '场所平面图', form: 'original', copies: 1 },
      world.deps,
    );
    expect(extra).toMatchObject({ materialIndex: null, name: '场所平面图' });
    const read = await getCase(db(), world.as('handler'), c.id, world.deps);
    expect(read.checklist.map((line) => line.received)).toEqual([true, true]);
    expect(read.materials.map((material) => material.id).sort()).toEqual([electronic.id, paper.id, extra.id].sort());
    const opened = await openMaterial(db(), world.as('supervisor'), c.id, electronic.id, world.deps);
    expect(await text(opened.blob.stream)).toBe('%PDF-1.7 申请书');
    await expect(openMaterial(db(), world.as('handler'), c.id, paper.id, world.deps)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(openMaterial(db(), world.as('clerk2'), c.id, electronic.id, world.deps)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('names bad fields: an index out of range, paper-only material, no filename, no media type', async () => {
    const c = await windowCase();
    const error = await receiveElectronic(
      db(),
      world.as('clerk1'),
      c.id,
      { materialIndex: 1, filename: '  ', mediaType: 'pdf', body: Readable.from([]) },
      world.deps,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((field) => `${field.pointer} ${field.reason}`)).toEqual([
      '/materialIndex not_electronic',
      '/filename required',
      '/mediaType pattern',
    ]);
    const paper = await receivePaper(
      db(),
      world.actor('clerk1'),
      c.id,
      { materialIndex: 5, form: 'scan', copies: 0 },
      world.deps,
    ).catch((caught: unknown) => caught);
    expect((paper as ValidationError).fields.map((field) => `${field.pointer} ${field.reason}`)).toEqual([
      '/materialIndex range',
      '/form one_of',
      '/copies range',
    ]);
    await expect(
      receivePaper(db(), world.actor('clerk2'), c.id, { materialIndex: 0, form: 'copy', copies: 1 }, world.deps),
    ).rejects.toMatchObject({ code: 'access.denied' });
  });

  it('lets the applicant send files while awaiting 受理 or 补正, and not otherwise', async () => {
    const account = await registerCitizen(
      test.database,
      { residentId: newResidentId(), name: '郑和', mobile: '13900000021', password: 'Spring-rain-2025' },
      { ip: '192.0.2.2' },
    );
    const applicant = { kind: 'public', accountId: account.id } as const;
    const c = await applyOnline(db(), account.id, { itemCode: world.itemCode, form: TEST_FORM_DATA }, world.deps);
    await receiveElectronic(db(), applicant, c.id, file('first'), world.deps);
    const accepted = await act(db(), world.as('handler'), c.id, 'accept', { version: c.version }, world.deps);
    await expect(receiveElectronic(db(), applicant, c.id, file('second'), world.deps)).rejects.toMatchObject({
      code: 'cases.wrong_state',
    });
    await act(
      db(),
      world.as('handler'),
      c.id,
      'supplement',
      { version: accepted.version, reason: '请补交身份证复印件', materialIndexes: [1] },
      world.deps,
    );
    const late = await receiveElectronic(db(), applicant, c.id, file('extra', null, '说明.pdf'), world.deps);
    expect(late).toMatchObject({ materialIndex: null, name: '说明.pdf' });
    const opened = await openMaterial(db(), applicant, c.id, late.id, world.deps);
    opened.blob.stream.destroy();
    const stranger = { kind: 'public', accountId: crypto.randomUUID() } as const;
    await expect(receiveElectronic(db(), stranger, c.id, file('x'), world.deps)).rejects.toBeInstanceOf(NotFoundError);
  });
});
