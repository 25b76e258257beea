/**
 * Posts: a person holding a position (职务) in an org unit. A person who holds any current post has
 * exactly one primary post: the first post is primary, a new primary demotes the former one, and
 * ending the primary promotes the longest-held remaining post. Each change leaves its history row,
 * audit entry and `directory.person.changed` event in the same transaction.
 */
import type { Executor } from '../../platform/db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import './directory.messages.js';
import type { IsoDate } from './org-unit.js';
import { selectOrgUnit } from './org-unit.repository.js';
import { type Actor, chinaToday, isIsoDate, type Post, type PostInput } from './person.js';
import { endPostRow, insertPost, lockPerson, selectPost, selectPosts, setPostPrimary } from './person.repository.js';
import { fieldChange, recordPersonChange } from './person-change-log.js';
import { checkPostFields } from './person-fields.js';

/**
 * Gives a person a post in an active unit, from `validFrom` (today when absent).
 * @throws NotFoundError `directory.person_not_found`; ValidationError `directory.post_invalid` (fields
 * `orgUnitCode` (`not_found`, `dissolved`), `title`, `validFrom`); ConflictError `directory.person_left`,
 * `directory.post_exists`
 * @example const post = await assignPost(db, person.id, { orgUnitCode: 'D03', title: '科长', isPrimary: true }, { actor });
 */
export async function assignPost(
  executor: Executor,
  personId: string,
  input: PostInput,
  options: { actor: Actor },
): Promise<Post> {
  const title = input.title?.trim() ?? '';
  const validFrom = input.validFrom ?? chinaToday();
  return inTransaction(executor, async (tx) => {
    const person = await lockPerson(tx, personId);
    if (!person) throw new NotFoundError('directory.person_not_found', { personId });
    const errors = checkPostFields({ ...input, title, validFrom });
    const unit = input.orgUnitCode ? await selectOrgUnit(tx, input.orgUnitCode) : undefined;
    if (input.orgUnitCode && !unit) errors.push({ pointer: '/orgUnitCode', reason: 'not_found' });
    if (unit?.status === 'dissolved') errors.push({ pointer: '/orgUnitCode', reason: 'dissolved' });
    if (errors.length > 0 || !unit)
      throw new ValidationError('directory.post_invalid', errors, { count: errors.length });
    if (person.status === 'left') throw new ConflictError('directory.person_left', { personId });

    const current = await selectPosts(tx, [personId]);
    if (current.some((post) => post.orgUnitCode === unit.code && post.title === title)) {
      throw new ConflictError('directory.post_exists', { personId, orgUnitCode: unit.code });
    }
    const formerPrimary = current.find((post) => post.isPrimary);
    const isPrimary = input.isPrimary === true || !formerPrimary;
    if (isPrimary && formerPrimary) await setPostPrimary(tx, formerPrimary.id, false);
    const postId = await insertPost(tx, { personId, orgUnitId: unit.id, title, isPrimary, validFrom });
    await recordPersonChange(tx, {
      actor: options.actor,
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
    return (await selectPost(tx, postId))!;
  });
}

/**
 * Makes a current post the person's primary one; the former primary stays as a secondary post.
 * @throws NotFoundError `directory.post_not_found`; ConflictError `directory.post_ended`
 * @example await setPrimaryPost(db, post.id, { actor });
 */
export async function setPrimaryPost(executor: Executor, postId: string, options: { actor: Actor }): Promise<Post> {
  return inTransaction(executor, async (tx) => {
    const post = await lockedCurrentPost(tx, postId);
    if (!post.isPrimary) await promote(tx, post, options.actor);
    return (await selectPost(tx, postId))!;
  });
}

/**
 * Ends a current post on `validTo` (the first day it is no longer held; today when absent).
 * @throws NotFoundError `directory.post_not_found`; ConflictError `directory.post_ended`;
 * ValidationError `directory.post_invalid` (field `validTo`)
 * @example await endPost(db, post.id, { validTo: '2025-07-01' }, { actor });
 */
export async function endPost(
  executor: Executor,
  postId: string,
  input: { validTo?: IsoDate | undefined },
  options: { actor: Actor },
): Promise<Post> {
  const validTo = input.validTo ?? chinaToday();
  return inTransaction(executor, async (tx) => {
    const post = await lockedCurrentPost(tx, postId);
    const reason = !isIsoDate(validTo) ? 'date' : validTo < post.validFrom ? 'before_start' : undefined;
    if (reason) throw new ValidationError('directory.post_invalid', [{ pointer: '/validTo', reason }], { count: 1 });
    await endPostIn(tx, post, validTo, options.actor);
    return (await selectPost(tx, postId))!;
  });
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

/** Runs `work` in the caller's transaction, or in a new one when the caller has none. */
export function inTransaction<T>(executor: Executor, work: (tx: Executor) => Promise<T>): Promise<T> {
  return executor.isTransaction ? work(executor) : executor.transaction().execute(work);
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
