/**
 * People, posts and history rows → the API's shapes. A person the caller may not manage is shown with
 * name, mobile and e-mail masked (src/platform/identifiers/mask.ts): what a reader needs to find
 * someone, not what it needs to reach them.
 */
import { maskEmail, maskName, maskPhone } from '../../platform/identifiers/mask.js';
import type { Person, Post } from './person.js';
import type { HistoryRow } from './person.repository.js';
import type { HistoryList, PersonView, PostView } from './person.schema.js';

export function presentPost(post: Post): PostView {
  const { id, orgUnitCode, orgUnitNameZh, title, isPrimary, validFrom, validTo } = post;
  return { id, orgUnitCode, orgUnitNameZh, title, isPrimary, validFrom, validTo };
}

/**
 * A person, masked unless `revealed`.
 * @example presentPerson(person, false).name; // '张*'
 */
export function presentPerson(person: Person, revealed: boolean): PersonView {
  return {
    id: person.id,
    staffNo: person.staffNo,
    name: revealed ? person.name : maskName(person.name),
    mobile: person.mobile === null || revealed ? person.mobile : maskPhone(person.mobile),
    email: person.email === null || revealed ? person.email : maskEmail(person.email),
    masked: !revealed,
    status: person.status,
    statusFrom: person.statusFrom,
    createdAt: person.createdAt.toISOString(),
    updatedAt: person.updatedAt.toISOString(),
    posts: person.posts.map(presentPost),
  };
}

export function presentHistory(rows: readonly HistoryRow[]): HistoryList {
  return {
    items: rows.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      change: row.change,
      changes: row.changes,
      actor: { type: row.actorType, id: row.actorId },
    })),
  };
}
