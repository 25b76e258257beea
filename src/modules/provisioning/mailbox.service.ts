/**
 * Mailboxes (统一邮箱): one per person, with an address made from the name by the configured rule,
 * following the person's status in the directory. A new person gets a pending mailbox; the mail
 * system confirms it (`activateMailbox`); a suspension suspends it, leaving removes it (the address
 * stays reserved for ever), and coming back makes it active again, or pending if the mail system had
 * never confirmed it. Each change is audited in the caller's transaction.
 */
import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor, Policy } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { ConflictError, NotFoundError } from '../../platform/errors.js';
import { maskEmail } from '../../platform/identifiers/mask.js';
import { getPerson, type Person } from '../directory/index.js';
import { type MailRule, mailAddress, mailLocalPart } from './mail-address-rule.js';
import {
  insertMailbox,
  type Mailbox,
  selectAddressesLike,
  selectMailbox,
  updateMailboxStatus,
} from './mailbox.repository.js';
import type { MailboxStatus } from './provisioning.tables.js';
import './provisioning.messages.js';

export type { Mailbox } from './mailbox.repository.js';

/** Where addresses live and how they are made: from HUITONG_MAIL_DOMAIN and HUITONG_MAIL_RULE. */
export interface MailSettings {
  domain: string;
  rule: MailRule;
}

/**
 * The address the rule gives this person now: the first of local, local2, local3 … that nobody
 * holds (removed mailboxes included, so an address is never handed on). A name the rule cannot spell
 * falls back to the staff number in lower case.
 * @example await nextFreeAddress(tx, person, { domain: 'example.gov.cn', rule: 'pinyin' }); // 'zhangsan2@example.gov.cn'
 */
export async function nextFreeAddress(
  executor: Executor,
  person: Pick<Person, 'name' | 'staffNo'>,
  mail: MailSettings,
): Promise<string> {
  const domain = mail.domain.toLowerCase();
  const local = mailLocalPart(person.name, mail.rule) ?? person.staffNo.toLowerCase();
  const taken = new Set(await selectAddressesLike(executor, local, domain));
  let n = 1;
  while (taken.has(mailAddress(local, n, domain))) n++;
  return mailAddress(local, n, domain);
}

/**
 * Brings the person's mailbox in line with their directory status, creating it for a person not
 * yet provisioned; returns it (undefined for a person who had already left when first seen).
 * Idempotent: a second call changes nothing and audits nothing.
 * @example await provisionMailbox(tx, person, { mail, actor: SYSTEM_ACTOR });
 */
export async function provisionMailbox(
  executor: Executor,
  person: Person,
  options: { mail: MailSettings; actor: Actor },
): Promise<Mailbox | undefined> {
  const current = await selectMailbox(executor, person.id, { lock: true });
  if (!current) {
    if (person.status === 'left') return undefined;
    // One allocator at a time: two new 张三 must not both be given zhangsan.
    await sql`select pg_advisory_xact_lock(hashtext('provisioning.mailbox.address'))`.execute(executor);
    const address = await nextFreeAddress(executor, person, options.mail);
    const status: MailboxStatus = person.status === 'suspended' ? 'suspended' : 'pending';
    await insertMailbox(executor, { personId: person.id, address, status });
    await audit(executor, options.actor, 'provisioning.mailbox.create', person.id, {
      address: maskEmail(address),
      status,
    });
    return selectMailbox(executor, person.id);
  }
  const wanted = statusFor(person.status, current);
  if (wanted === current.status) return current;
  await updateMailboxStatus(executor, person.id, wanted);
  await audit(executor, options.actor, 'provisioning.mailbox.status', person.id, {
    from: current.status,
    to: wanted,
  });
  return selectMailbox(executor, person.id);
}

/**
 * The mail system confirms that the mailbox exists: pending → active. Needs `provisioning.manage`
 * over the person's primary unit, unless the caller is a SCIM token already scoped to it
 * (`checked: true`, the route having checked the token's scope).
 * @throws NotFoundError `provisioning.mailbox_not_found`; ConflictError `provisioning.mailbox_removed`, `provisioning.mailbox_not_activatable`
 * @example await activateMailbox(tx, actor, personId, { policy });
 */
export async function activateMailbox(
  executor: Executor,
  actor: Actor,
  personId: string,
  deps: { policy: Policy; checked?: boolean },
): Promise<Mailbox> {
  if (!deps.checked) {
    const person = await getPerson(executor, personId);
    await deps.policy.assertAllowed(executor, actor, 'provisioning.manage', person.posts[0]?.orgUnitCode ?? null);
  }
  const current = await selectMailbox(executor, personId, { lock: true });
  if (!current) throw new NotFoundError('provisioning.mailbox_not_found', { personId });
  if (current.status === 'active') return current;
  if (current.status === 'removed') throw new ConflictError('provisioning.mailbox_removed', { personId });
  if (current.status !== 'pending') {
    throw new ConflictError('provisioning.mailbox_not_activatable', { status: current.status });
  }
  await updateMailboxStatus(executor, personId, 'active', { activated: true });
  await audit(executor, actor, 'provisioning.mailbox.activate', personId, { from: 'pending', to: 'active' });
  return (await selectMailbox(executor, personId))!;
}

/**
 * The person's mailbox, for staff holding `provisioning.manage` over the person's primary unit.
 * @throws NotFoundError `provisioning.mailbox_not_found`, `directory.person_not_found`; ForbiddenError from the policy
 * @example const { address, status } = await getMailbox(db, actor, personId, { policy });
 */
export async function getMailbox(
  executor: Executor,
  actor: Actor,
  personId: string,
  deps: { policy: Policy },
): Promise<Mailbox> {
  const person = await getPerson(executor, personId);
  await deps.policy.assertAllowed(executor, actor, 'provisioning.manage', person.posts[0]?.orgUnitCode ?? null);
  const mailbox = await selectMailbox(executor, personId);
  if (!mailbox) throw new NotFoundError('provisioning.mailbox_not_found', { personId });
  return mailbox;
}

function statusFor(personStatus: Person['status'], mailbox: Mailbox): MailboxStatus {
  if (personStatus === 'left') return 'removed';
  if (personStatus === 'suspended') return 'suspended';
  if (mailbox.status === 'pending' || mailbox.status === 'active') return mailbox.status;
  return mailbox.activatedAt ? 'active' : 'pending';
}

async function audit(
  executor: Executor,
  actor: Actor,
  action: string,
  personId: string,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit(executor, {
    actor,
    action,
    target: { type: 'mailbox', id: personId },
    outcome: 'success',
    details: { personId, ...details },
  });
}
