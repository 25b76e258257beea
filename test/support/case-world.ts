/**
 * A world to run cases in, for tests: the small test district (test/support/org-units.ts) with its
 * centres XC0 (the district centre), XC1 and XC2; staff with posts and a table of their grants; a
 * published item of XD1 that any centre and the portal can take; the real working-day calendar, a
 * blob store in a temporary directory and a clock the test sets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CaseDeps, Viewer } from '../../src/modules/cases/index.js';
import { createPerson, SYSTEM_ONLY_POLICY, upsertOrgUnits } from '../../src/modules/directory/index.js';
import { createItem, type ItemContent, publishItemVersion } from '../../src/modules/services/index.js';
import { itemCode, makeItemContent } from '../../src/modules/services/item.fixtures.js';
import { SYSTEM_ACTOR } from '../../src/platform/authorization.js';
import { FsBlobStore } from '../../src/platform/blobs/fs-blob-store.js';
import { loadCalendar } from '../../src/platform/calendar/working-days.js';
import type { Executor } from '../../src/platform/db/database.js';
import { residentIdCheckCharacter } from '../../src/platform/identifiers/resident-id.js';
import { type GrantTable, type GrantTablePolicy, grantTablePolicy } from './grant-table-policy.js';
import { smallDistrict } from './org-units.js';

/** The staff of the test world: who they are and what they hold where. */
export const STAFF = {
  clerk1: { post: ['XC1', '综合窗口受理员'], grants: { 'cases.intake': ['XC1'] } },
  clerk2: { post: ['XC2', '综合窗口受理员'], grants: { 'cases.intake': ['XC2'] } },
  clerk0: { post: ['XC0', '综合窗口受理员'], grants: { 'cases.intake': ['XC0'] } },
  handler: { post: ['XD1', '科员'], grants: { 'cases.handle': ['XD1'] } },
  approver: { post: ['XD1', '科长'], grants: { 'cases.handle': ['XD1'], 'cases.decide': ['XD1'] } },
  other: { post: ['XD2', '科长'], grants: { 'cases.handle': ['XD2'], 'cases.decide': ['XD2'] } },
  supervisor: { post: ['XX', '电子监察员'], grants: { 'cases.supervise': ['XX'] } },
  routeAdmin: { post: ['XD1', '系统管理员'], grants: { 'cases.route.manage': ['XD1'] } },
} as const satisfies Record<string, { post: readonly [string, string]; grants: Record<string, readonly string[]> }>;
export type StaffName = keyof typeof STAFF;

export interface CaseWorld {
  deps: CaseDeps & { policy: GrantTablePolicy };
  /** Sets "now" to noon in China on `day`. */
  setToday(day: string): void;
  /** Person ids by name. */
  people: Record<StaffName, string>;
  as(name: StaffName): Viewer & { kind: 'staff' };
  actor(name: StaffName): { type: 'user'; id: string };
  /** The published test item (any centre, online). */
  itemCode: string;
  close(): Promise<void>;
}

/** Two materials: an application that may come as a file, and an ID copy on paper only. */
export function caseItemContent(overrides: Partial<ItemContent> = {}): ItemContent {
  const base = makeItemContent();
  return {
    ...base,
    channels: { online: true, anyCentre: true, centreCodes: [] },
    promisedLimitDays: 5,
    statutoryLimitDays: 20,
    materials: [
      base.materials[0]!,
      {
        nameZh: '身份证复印件',
        nameEn: 'Copy of identity card',
        form: 'copy',
        copies: 1,
        electronicAccepted: false,
        required: true,
        sampleSha256: null,
        note: null,
      },
    ],
    ...overrides,
  };
}

/** A valid form for the test item. */
export const TEST_FORM_DATA = { applicant: { name: '王丽娟' }, openingDate: '2024-03-01', seats: 20 };

let idSequence = 0;
/** A valid resident identity number, new each call (born 1990-01-01 in 110105). */
export function newResidentId(): string {
  idSequence += 1;
  const first17 = `11010519900101${String(idSequence).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

let itemSequence = 0;
/** Publishes an item of XD1 and returns its code. */
export async function publishTestItem(executor: Executor, overrides: Partial<ItemContent> = {}): Promise<string> {
  itemSequence += 1;
  const code = itemCode(900 + itemSequence);
  const deps = { policy: SYSTEM_ONLY_POLICY };
  await createItem(executor, SYSTEM_ACTOR, { code, ...caseItemContent(overrides) }, deps);
  await publishItemVersion(executor, SYSTEM_ACTOR, code, 1, deps);
  return code;
}

/**
 * Builds the world on a migrated database.
 * @example const world = await createCaseWorld(db); world.setToday('2024-02-08');
 */
export async function createCaseWorld(executor: Executor): Promise<CaseWorld> {
  await upsertOrgUnits(executor, smallDistrict());
  const grants: GrantTable = {};
  const people = {} as Record<StaffName, string>;
  let staffNo = 0;
  for (const [name, { post, grants: held }] of Object.entries(STAFF) as Array<[StaffName, (typeof STAFF)[StaffName]]>) {
    staffNo += 1;
    const person = await createPerson(
      executor,
      {
        staffNo: `CS${String(staffNo).padStart(4, '0')}`,
        name: `测试${name}`,
        firstPost: { orgUnitCode: post[0], title: post[1], validFrom: '2020-01-01' },
        statusFrom: '2020-01-01',
      },
      { actor: SYSTEM_ACTOR, policy: SYSTEM_ONLY_POLICY },
    );
    people[name] = person.id;
    grants[person.id] = held;
  }
  const blobDir = await mkdtemp(path.join(os.tmpdir(), 'huitong-cases-'));
  let now = new Date('2024-02-08T04:00:00Z');
  const deps = {
    policy: grantTablePolicy(grants),
    calendar: await loadCalendar(),
    blobs: new FsBlobStore(blobDir, { maxBytes: 1024 * 1024 }),
    clock: () => now,
    warnDays: 2,
  };
  const code = await publishTestItem(executor);
  return {
    deps,
    setToday(day) {
      now = new Date(`${day}T04:00:00Z`);
    },
    people,
    as: (name) => ({ kind: 'staff', personId: people[name] }),
    actor: (name) => ({ type: 'user', id: people[name] }),
    itemCode: code,
    close: () => rm(blobDir, { recursive: true, force: true }),
  };
}
