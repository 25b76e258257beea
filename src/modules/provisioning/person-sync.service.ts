/**
 * Keeps this module's picture of a person in line with the directory: the SCIM read model
 * (`person_replica`) and the mailbox. Run for every `directory.person.changed` event (so changes made
 * anywhere, the staff app, a CSV import, reach SCIM clients) and by the SCIM writes themselves, in
 * their own transaction, so a SCIM client reads back what it wrote at once.
 */
import type { Actor } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { NotFoundError } from '../../platform/errors.js';
import { getPerson, orgPath, type Person } from '../directory/index.js';
import { splitName } from './mail-address-rule.js';
import { type MailSettings, provisionMailbox } from './mailbox.service.js';
import { upsertReplica } from './person-replica.repository.js';

/**
 * The staff account's username of a person, when the identity module has one for them; SCIM's
 * userName falls back to the staff number in lower case.
 */
export type UsernameLookup = (executor: Executor, personId: string) => Promise<string | undefined>;

export interface SyncSettings {
  mail: MailSettings;
  usernameOf?: UsernameLookup | undefined;
}

/**
 * Reads the person from the directory and writes their replica row and mailbox; a person the
 * directory does not know is skipped. Idempotent.
 * @example await syncPerson(tx, personId, { mail }, SYSTEM_ACTOR);
 */
export async function syncPerson(
  executor: Executor,
  personId: string,
  settings: SyncSettings,
  actor: Actor,
): Promise<Person | undefined> {
  let person: Person;
  try {
    person = await getPerson(executor, personId);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  const primary = person.posts.find((post) => post.isPrimary);
  const ancestors = primary ? await orgPath(executor, primary.orgUnitCode) : [];
  const { familyName, givenName } = splitName(person.name);
  const username = (await settings.usernameOf?.(executor, person.id)) ?? person.staffNo.toLowerCase();
  await upsertReplica(executor, {
    person_id: person.id,
    staff_no: person.staffNo,
    user_name: username.toLowerCase(),
    name: person.name,
    family_name: familyName,
    given_name: givenName,
    mobile: person.mobile,
    status: person.status,
    primary_org_unit_code: primary?.orgUnitCode ?? null,
    primary_org_unit_name: primary?.orgUnitNameZh ?? null,
    title: primary?.title ?? null,
    // The district: the top of the unit's path, or the unit itself when it is the district.
    organization: primary ? (ancestors[0]?.nameZh ?? primary.orgUnitNameZh) : null,
    person_created_at: person.createdAt,
    person_updated_at: person.updatedAt,
  });
  await provisionMailbox(executor, person, { mail: settings.mail, actor });
  return person;
}
