/** SQL for `provisioning.mailbox`. No rules here: the mailbox service decides. */
import { sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { MailboxStatus, ProvisioningTables } from './provisioning.tables.js';

export interface Mailbox {
  personId: string;
  address: string;
  status: MailboxStatus;
  activatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = [
  'person_id as personId',
  'address',
  'status',
  'activated_at as activatedAt',
  'created_at as createdAt',
  'updated_at as updatedAt',
] as const;

/** The person's mailbox, row-locked until the transaction ends when `lock` is set. */
export async function selectMailbox(
  executor: Executor,
  personId: string,
  options: { lock?: boolean } = {},
): Promise<Mailbox | undefined> {
  return tablesOf<ProvisioningTables>(executor)
    .selectFrom('provisioning.mailbox')
    .select(COLUMNS)
    .where('person_id', '=', personId)
    .$if(options.lock === true, (q) => q.forUpdate())
    .executeTakeFirst();
}

/** Addresses in use (by anyone, removed mailboxes included) that start with this local part, on this domain. */
export async function selectAddressesLike(executor: Executor, local: string, domain: string): Promise<string[]> {
  // The local part holds only [a-z0-9.], none of which LIKE treats specially.
  const rows = await tablesOf<ProvisioningTables>(executor)
    .selectFrom('provisioning.mailbox')
    .select('address')
    .where('address', 'like', `${local}%@${domain}`)
    .execute();
  return rows.map((row) => row.address);
}

export async function insertMailbox(
  executor: Executor,
  mailbox: { personId: string; address: string; status: MailboxStatus },
): Promise<void> {
  await tablesOf<ProvisioningTables>(executor)
    .insertInto('provisioning.mailbox')
    .values({ person_id: mailbox.personId, address: mailbox.address, status: mailbox.status, activated_at: null })
    .execute();
}

export async function updateMailboxStatus(
  executor: Executor,
  personId: string,
  status: MailboxStatus,
  options: { activated?: boolean } = {},
): Promise<void> {
  await tablesOf<ProvisioningTables>(executor)
    .updateTable('provisioning.mailbox')
    .set({
      status,
      updated_at: sql<Date>`now()`,
      ...(options.activated ? { activated_at: sql<Date>`coalesce(activated_at, now())` } : {}),
    })
    .where('person_id', '=', personId)
    .execute();
}
