/**
 * Posts: a person holding a position (职务) in an org unit. A person who holds any current post has
 * exactly one primary post: the first post is primary, a new primary demotes the former one, and
 * ending the primary promotes the longest-held remaining post. Each change leaves its history row,
 * audit entry and `directory.person.changed` event in the same transaction.
 *
 * Each change first asks the Policy for `directory.manage` over the unit it changes: the post's own,
 * and, when the primary moves, the unit of the former primary too (the person's home changes there).
 */

import type { Executor } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import './directory.messages.js';
import type { IsoDate, OrgUnit } from './org-unit.js';
import { selectOrgUnit } from './org-unit.repository.js';
import { type Actor, chinaToday, isIsoDate, type Post, type PostInput } from './person.js';
import {
  endPostRow,
  insertPost,
  lockPerson,
  selectPersonById,
  selectPost,
  selectPosts,
  setPostPrimary,
} from './person.repository.js';
import { type Acting, assertAllowedOverEach, DIRECTORY_MANAGE, type UnitAsked } from './person-access.js';
import { fieldChange, recordPersonChange } from './person-change-log.js';
import { checkPostFields } from './person-fields.js';

/**
 * Gives a person a post in an active unit, from `validFrom` (today when absent).
 * @throws NotFoundError `directory.person_not_found`; ValidationError `directory.post_invalid` (fields
 * `orgUnitCode` (`not_found`, `dissolved`), `title`, `validFrom`); ConflictError `directory.person_left`,
 * `directory.post_exists`; ForbiddenError `access.denied`
 * @example const post = await assignPost(db, person.id, { orgUnitCode: 'D03', title: '科长', isPrimary: true }, { actor, policy });
 */
export async function assignPost(
  executor: Executor,
  personId: string,
  input: PostInput,
  acting: Acting,
): Promise<Post> {
  const wanted = { ...input, title: input.title?.trim() ?? '', validFrom: input.validFrom ?? chinaToday() };
  if (!(await selectPersonById(executor, personId)))
    throw new NotFoundError('directory.person_not_found', { personId });
  // Units are public: what is wrong with the post is said before the policy is asked.
  const errors = checkPostFields(wanted);
  const unit = wanted.orgUnitCode ? await selectOrgUnit(executor, wanted.orgUnitCode) : undefined;
  if (wanted.orgUnitCode && !unit) errors.push({ pointer: '/orgUnitCode', reason: 'not_found' });
  if (unit?.status === 'dissolved') errors.push({ pointer: '/orgUnitCode', reason: 'dissolved' });
  if (errors.length > 0 || !unit) throw new ValidationError('directory.post_invalid', errors, { count: errors.length });
  const unitsAt = (posts: readonly Post[]) => [unit.code, ...(input.isPrimary ? primaryUnitOf(posts) : [])];
  const asked = await assertAllowedOverEach(
    executor,
    acting,
    DIRECTORY_MANAGE,
    unitsAt(await selectPosts(executor, [personId])),
  );
  return inTransaction(executor, async (tx) => {
    const person = await lockPerson(tx, personId);
    if (!person) throw new NotFoundError('directory.person_not_found', { personId });
    await assertAllowedOverEach(tx, acting, DIRECTORY_MANAGE, unitsAt(await selectPosts(tx, [personId])), asked);
    if (person.status === 'left') throw new ConflictError('directory.person_left', { personId });
    return addPostIn(tx, personId, unit, wanted, acting.actor);
  });
}

/**
 * Adds a post inside the caller's transaction, with the person locked and the unit checked; keeps
 * one primary. For the services of this module (a new person's first post).
 */
export async function addPostIn(
  executor: Executor,
  personId: string,
  unit: OrgUnit,
  input: PostInput & { title: string; validFrom: IsoDate },
  actor: Actor,
): Promise<Post> {
  const { title, validFrom } = input;
  const current = await selectPosts(executor, [personId]);
  if (current.some((post) => post.orgUnitCode === unit.code && post.title === title)) {
    throw new ConflictError('directory.post_exists', { personId, orgUnitCode: unit.code });
  }
  const formerPrimary = current.find((post) => post.isPrimary);
  const isPrimary = input.isPrimary === true || !formerPrimary;
  if (isPrimary && formerPrimary) await setPostPrimary(executor, formerPrimary.id, false);
  const postId = await insertPost(executor, { personId, orgUnitId: unit.id, title, isPrimary, validFrom });
  await recordPersonChange(executor, {
    actor,
    personId,
    postId,
    change: 'post_assigned',
    changes: [
      fieldChange('orgUnitCode', null, unit.code),
      fieldChange('title', null, title),
      fieldChange('isPrimary', null, isPrimary),
      fieldChange('validFrom', null, validFrom),
    ],
  });
  return (await selectPost(executor, postId))!;
}

/**
 * Makes a current post the person's primary one; the former primary stays as a secondary post.
 * @throws NotFoundError `directory.post_not_found`; ConflictError `directory.post_ended`; ForbiddenError `access.denied`
 * @example await setPrimaryPost(db, post.id, { actor, policy });
 */
export async function setPrimaryPost(executor: Executor, postId: string, acting: Acting): Promise<Post> {
  const found = await selectPost(executor, postId);
  if (!found) throw new NotFoundError('directory.post_not_found', { postId });
  const unitsAt = (posts: readonly Post[]) => [found.orgUnitCode, ...primaryUnitOf(posts)];
  const asked = await assertAllowedOverEach(
    executor,
    acting,
    DIRECTORY_MANAGE,
    unitsAt(await selectPosts(executor, [found.personId])),
  );
  return inTransaction(executor, async (tx) => {
    const post = await lockedCurrentPost(tx, postId);
    await assertAllowedOverEach(tx, acting, DIRECTORY_MANAGE, unitsAt(await selectPosts(tx, [post.personId])), asked);
    if (!post.isPrimary) await promote(tx, post, acting.actor);
    return (await selectPost(tx, postId))!;
  });
}

/**
 * Ends a current post on `validTo` (the first day it is no longer held; today when absent).
 * @throws NotFoundError `directory.post_not_found`; ConflictError `directory.post_ended`;
 * ValidationError `directory.post_invalid` (field `validTo`); ForbiddenError `access.denied`
 * @example await endPost(db, post.id, { validTo: '2025-07-01' }, { actor, policy });
 */
export async function endPost(
  executor: Executor,
  postId: string,
  input: { validTo?: IsoDate | undefined },
  acting: Acting,
): Promise<Post> {
  const validTo = input.validTo ?? chinaToday();
  const found = await selectPost(executor, postId);
  if (!found) throw new NotFoundError('directory.post_not_found', { postId });
  // A post never changes unit: asked once, the answer holds under the lock.
  await assertAllowedOverEach(executor, acting, DIRECTORY_MANAGE, [found.orgUnitCode]);
  return inTransaction(executor, async (tx) => {
    const post = await lockedCurrentPost(tx, postId);
    const reason = !isIsoDate(validTo) ? 'date' : validTo < post.validFrom ? 'before_start' : undefined;
    if (reason) throw new ValidationError('directory.post_invalid', [{ pointer: '/validTo', reason }], { count: 1 });
    await endPostIn(tx, post, validTo, acting.actor);
    return (await selectPost(tx, postId))!;
  });
}

/**
 * One post, current or ended (where and what: no personal data).
 * @throws NotFoundError `directory.post_not_found`
 * @example const { personId, orgUnitCode } = await getPost(db, postId);
 */
export async function getPost(executor: Executor, postId: string): Promise<Post> {
  const post = await selectPost(executor, postId);
  if (!post) throw new NotFoundError('directory.post_not_found', { postId });
  return post;
}

/** The unit of the current primary post, which a new primary takes the role from. */
function primaryUnitOf(posts: readonly Post[]): UnitAsked[] {
  const primary = posts.find((post) => post.isPrimary);
  return primary ? [primary.orgUnitCode] : [];
}

/**
 * Ends a post inside the caller's transaction, with the person already locked, and keeps one
 * primary among what remains. For the services of this module (leaving ends every post).
 */
export async function endPostIn(executor: Executor, post: Post, validTo: IsoDate, actor: Actor): Promise<void> {
  await endPostRow(executor, post.id, validTo);
  await recordPersonChange(executor, {
    actor,
    personId: post.personId,
    postId: post.id,
    change: 'post_ended',
    changes: [fieldChange('validTo', null, validTo)],
  });
  if (!post.isPrimary) return;
  // Posts come primary first, then by start: the longest-held remaining post takes over.
  const [successor] = await selectPosts(executor, [post.personId]);
  if (successor) await promote(executor, successor, actor);
}

async function lockedCurrentPost(executor: Executor, postId: string): Promise<Post> {
  const found = await selectPost(executor, postId);
  if (!found) throw new NotFoundError('directory.post_not_found', { postId });
  await lockPerson(executor, found.personId);
  // Read again under the lock: another writer may have ended or promoted it meanwhile.
  const post = (await selectPost(executor, postId))!;
  if (post.validTo !== null) throw new ConflictError('directory.post_ended', { postId });
  return post;
}

async function promote(executor: Executor, post: Post, actor: Actor): Promise<void> {
  const former = (await selectPosts(executor, [post.personId])).find((other) => other.isPrimary);
  if (former) await setPostPrimary(executor, former.id, false);
  await setPostPrimary(executor, post.id, true);
  await recordPersonChange(executor, {
    actor,
    personId: post.personId,
    postId: post.id,
    change: 'post_primary_set',
    changes: [fieldChange('isPrimary', false, true)],
  });
}
