/**
 * The catalogue a member reads to know what it can do: every standard with a published version,
 * whether the member may publish under it, whether it may subscribe (the zone rule), and where its
 * subscription stands. A member reads its own; staff read any member's with `exchange.read` over
 * the member's owner unit.
 */
import { sql } from 'kysely';
import type { Actor, Policy } from '../../platform/authorization.js';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import './exchange-members.messages.js';
import { EXCHANGE_READ_PERMISSION, type Member, type MemberDetail, zoneAllows } from './member.js';
import { selectPublishedBy } from './member.repository.js';
import { findMember } from './member.service.js';
import type { MemberTables } from './member.tables.js';
import { LIVE_STATUSES, type Subscription } from './subscription.js';
import { selectSubscriptionsOfMember } from './subscription.repository.js';

export interface CatalogueEntry {
  code: string;
  nameZh: string;
  nameEn: string;
  ownerOrgUnitCode: string;
  classification: string;
  /** The highest published version. */
  latestVersion: number;
  publishedAt: Date | null;
  mayPublish: boolean;
  /** False when the zone rule forbids it (an external member and a sensitive or classified standard). */
  maySubscribe: boolean;
  /** The live subscription, else the latest ended one; null when the member never asked. */
  subscription: Pick<Subscription, 'id' | 'status' | 'mode' | 'reason'> | null;
}

export interface Catalogue {
  member: Member;
  standards: CatalogueEntry[];
}

/**
 * The catalogue of the calling member (a client actor), or of `memberId` for staff.
 * @throws ForbiddenError `exchange.not_a_member` | `exchange.member_other` | `access.denied`; ValidationError `exchange.catalogue_member_required`; NotFoundError `exchange.member_not_found`
 * @example const { standards } = await catalogueOf(db, { type: 'machine', id: 'gaj-rkxt' }, undefined, { policy });
 */
export async function catalogueOf(
  executor: Executor,
  actor: Actor,
  memberId: string | undefined,
  deps: { policy: Policy },
): Promise<Catalogue> {
  const member = await readableMember(executor, actor, memberId, deps.policy);
  const [standards, publishes, subscriptions] = await Promise.all([
    selectPublishedStandards(executor),
    selectPublishedBy(executor, member.id),
    selectSubscriptionsOfMember(executor, member.id),
  ]);
  const subscriptionOf = new Map<string, Subscription>();
  for (const subscription of subscriptions) {
    const held = subscriptionOf.get(subscription.standardCode);
    // Newest first: keep the first seen unless a live one comes later.
    if (!held || (!LIVE_STATUSES.includes(held.status) && LIVE_STATUSES.includes(subscription.status))) {
      subscriptionOf.set(subscription.standardCode, subscription);
    }
  }
  return {
    member: { ...memberOf(member) },
    standards: standards.map((standard) => {
      const subscription = subscriptionOf.get(standard.code);
      return {
        ...standard,
        mayPublish: member.status === 'enabled' && publishes.has(standard.code),
        maySubscribe: member.status === 'enabled' && zoneAllows(member.zone, standard.classification),
        subscription: subscription
          ? { id: subscription.id, status: subscription.status, mode: subscription.mode, reason: subscription.reason }
          : null,
      };
    }),
  };
}

async function readableMember(
  executor: Executor,
  actor: Actor,
  memberId: string | undefined,
  policy: Policy,
): Promise<MemberDetail> {
  if (actor.type === 'machine') {
    if (memberId !== undefined && memberId !== actor.id) {
      throw new ForbiddenError('exchange.member_other', { clientId: actor.id });
    }
    return findMember(executor, actor.id).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw new ForbiddenError('exchange.not_a_member', { clientId: actor.id });
      throw error;
    });
  }
  if (!memberId) {
    throw new ValidationError('exchange.catalogue_member_required', [{ pointer: '/member', reason: 'required' }]);
  }
  const member = await findMember(executor, memberId);
  await policy.assertAllowed(executor, actor, EXCHANGE_READ_PERMISSION, member.ownerOrgUnitCode);
  return member;
}

async function selectPublishedStandards(
  executor: Executor,
): Promise<Array<Omit<CatalogueEntry, 'mayPublish' | 'maySubscribe' | 'subscription'>>> {
  const rows = await tablesOf<MemberTables>(executor)
    .selectFrom('exchange.standard as s')
    .innerJoin(
      (eb) =>
        eb
          .selectFrom('exchange.standard_version')
          .select(['standard_code', sql<number>`max(version)`.as('version')])
          .where('status', '=', 'published')
          .groupBy('standard_code')
          .as('latest'),
      (join) => join.onRef('latest.standard_code', '=', 's.code'),
    )
    .innerJoin('exchange.standard_version as v', (join) =>
      join.onRef('v.standard_code', '=', 's.code').onRef('v.version', '=', 'latest.version'),
    )
    .select([
      's.code',
      's.name_zh',
      's.name_en',
      's.owner_org_unit_code',
      's.classification',
      'v.version',
      'v.published_at',
    ])
    .orderBy('s.code')
    .execute();
  return rows.map((row) => ({
    code: row.code,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    ownerOrgUnitCode: row.owner_org_unit_code,
    classification: row.classification,
    latestVersion: Number(row.version),
    publishedAt: row.published_at,
  }));
}

function memberOf(detail: MemberDetail): Member {
  return {
    id: detail.id,
    nameZh: detail.nameZh,
    nameEn: detail.nameEn,
    ownerOrgUnitCode: detail.ownerOrgUnitCode,
    zone: detail.zone,
    status: detail.status,
  };
}
