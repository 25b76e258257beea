/**
 * What every change of a case writes beside the case row, in the same transaction: a step (who, in
 * which post, at which unit, what they said), an audit entry (ids and statuses only, never the
 * applicant), a notification for the applicant, and the day's tally.
 */
import { type AuditActor, recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { getPerson } from '../directory/index.js';
import type { Case, CaseStatus, TallyCount } from './case.js';
import { insertNotification, insertStep } from './case.repository.js';
import { addToTally } from './tally.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who acts, as the step and the audit log name them. */
export interface Acting {
  audit: AuditActor;
  step: { type: 'user' | 'public' | 'system'; id: string; name: string | null; post: string | null };
}

/**
 * A member of staff acting at `unitCode`: their name and the post they hold there (else their primary
 * post), as the directory has them now — a step keeps them as they were.
 */
export async function actingStaff(executor: Executor, personId: string, unitCode: string | null): Promise<Acting> {
  const person = UUID.test(personId) ? await getPerson(executor, personId).catch(() => undefined) : undefined;
  const post = person?.posts.find((held) => held.orgUnitCode === unitCode) ?? person?.posts[0];
  return {
    audit: { type: 'user', id: personId },
    step: {
      type: 'user',
      id: personId,
      name: person?.name ?? null,
      post: post ? `${post.title} (${post.orgUnitCode})` : null,
    },
  };
}

/** Whoever acts for the platform: a member of staff as above, or the platform itself or a registered system. */
export async function actingAs(executor: Executor, actor: Actor, unitCode: string | null): Promise<Acting> {
  if (actor.type === 'user') return actingStaff(executor, actor.id, unitCode);
  return {
    audit: { type: actor.type, id: actor.id },
    step: { type: 'system', id: `${actor.type}:${actor.id}`, name: null, post: null },
  };
}

/** The applicant's public account acting on its own case: named in the audit log as identity does. */
export function actingPublic(accountId: string): Acting {
  return {
    audit: { type: 'user', id: `public:${accountId}` },
    step: { type: 'public', id: accountId, name: null, post: null },
  };
}

export interface Change {
  action: string;
  from: CaseStatus | null;
  to: CaseStatus;
  /** The stage acted at; null before acceptance. */
  stage: number | null;
  unitCode: string | null;
  opinion: string | null;
  /** Facts for the step and the audit entry: ids, codes, counts; never personal data. */
  details: Record<string, string | number | boolean | null | number[]>;
  at: Date;
  /** The civil day of the change, for the tally. */
  day: string;
  tally: Partial<Record<TallyCount, number>>;
}

export async function recordChange(executor: Executor, c: Case, acting: Acting, change: Change): Promise<void> {
  await insertStep(executor, {
    caseId: c.id,
    action: change.action,
    fromStatus: change.from,
    toStatus: change.to,
    stage: change.stage,
    actorType: acting.step.type,
    actorId: acting.step.id,
    actorName: acting.step.name,
    actorPost: acting.step.post,
    orgUnitCode: change.unitCode,
    opinion: change.opinion,
    details: change.details,
    at: change.at,
  });
  await insertNotification(executor, {
    caseId: c.id,
    publicAccountId: c.publicAccountId,
    kind: change.action,
    at: change.at,
  });
  await addToTally(
    executor,
    { day: change.day, centreCode: c.centreCode ?? '', departmentCode: c.departmentCode, itemCode: c.itemCode },
    change.tally,
  );
  await recordAudit(executor, {
    actor: acting.audit,
    action: `cases.case.${change.action}`,
    target: { type: 'case', id: c.id },
    outcome: 'success',
    details: { number: c.number, from: change.from, to: change.to, stage: change.stage, ...change.details },
  });
}
