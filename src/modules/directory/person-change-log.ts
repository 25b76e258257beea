/**
 * The three records every change of a person leaves, written in the caller's transaction so that
 * they commit with the change or not at all: a history row (masked values), an audit entry (field
 * names and ids, never values) and a `directory.person.changed` event for provisioning.
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Executor } from '../../platform/db/database.js';
import { recordEvent } from '../../platform/events/outbox.js';
import { maskEmail, maskName, maskPhone } from '../../platform/identifiers/mask.js';
import type { FieldChange } from './directory.tables.js';
import { type Actor, PERSON_CHANGED_EVENT, type PersonChange, type PersonChangedEvent } from './person.js';
import { insertHistory } from './person.repository.js';

const AUDIT_ACTIONS: Record<PersonChange, string> = {
  created: 'directory.person.create',
  updated: 'directory.person.update',
  post_assigned: 'directory.post.assign',
  post_primary_set: 'directory.post.set_primary',
  post_ended: 'directory.post.end',
};

/** Fields whose values identify a person: the history keeps them masked. */
const MASKS: Record<string, (value: string) => string> = { name: maskName, mobile: maskPhone, email: maskEmail };

/**
 * One field's change as the history keeps it, personal values masked.
 * @example fieldChange('mobile', '13900000001', '13900000002'); // { field: 'mobile', from: '139****0001', to: '139****0002' }
 */
export function fieldChange(
  field: string,
  from: string | boolean | null | undefined,
  to: string | boolean | null | undefined,
): FieldChange {
  const mask = MASKS[field];
  const shown = (value: string | boolean | null | undefined) =>
    value === null || value === undefined ? null : mask && typeof value === 'string' ? mask(value) : value;
  return { field, from: shown(from), to: shown(to) };
}

/**
 * Writes the history row, the event and the audit entry of one change. The audit entry comes last:
 * its chain lock is held to commit, and every other writer of the audit log waits for it.
 * @example
 * await recordPersonChange(tx, { actor, personId, change: 'updated', changes: [fieldChange('status', 'active', 'left')] });
 */
export async function recordPersonChange(
  executor: Executor,
  entry: { actor: Actor; personId: string; change: PersonChange; changes: FieldChange[]; postId?: string },
): Promise<void> {
  const { actor, personId, change, changes, postId } = entry;
  const fields = changes.map((item) => item.field);
  await insertHistory(executor, { personId, change, changes, actor });
  const payload: PersonChangedEvent = { personId, change, fields, ...(postId ? { postId } : {}) };
  await recordEvent(executor, {
    aggregateType: 'directory.person',
    aggregateId: personId,
    type: PERSON_CHANGED_EVENT,
    payload,
  });
  await recordAudit(executor, {
    actor,
    action: AUDIT_ACTIONS[change],
    target: { type: 'person', id: personId },
    outcome: 'success',
    details: { personId, fields, ...(postId ? { postId } : {}) },
  });
}
