/**
 * Who signs in at the relying parties: people of the directory, by their person id (`sub`), active
 * ones only. Their claims come from the directory at the moment they are asked for; `roles` are the
 * roles the person holds in the asking system, from the access module (injected as `rolesOf`).
 */
import type { Account, KoaContextLike } from 'oidc-provider';
import type { Executor } from '../../../platform/db/database.js';
import { NotFoundError } from '../../../platform/errors.js';
import { getPerson, type Person } from '../../directory/index.js';

/** The roles a person holds in one registered system, e.g. `['oa.clerk']`. */
export type RolesOf = (executor: Executor, personId: string, clientId: string) => Promise<string[]>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The provider's `findAccount`: the active person with this id, or undefined (the provider then
 * refuses the token, the refresh or the sign-in).
 * @example const account = await findAccount(db, rolesOf, ctx, personId);
 */
export async function findAccount(
  executor: Executor,
  rolesOf: RolesOf,
  ctx: KoaContextLike | undefined,
  sub: string,
): Promise<Account | undefined> {
  const person = await activePerson(executor, sub);
  if (!person) return undefined;
  const clientId = ctx?.oidc?.client?.clientId;
  return {
    accountId: person.id,
    async claims(_use, scope) {
      const scopes = new Set(scope.split(' '));
      const primary = person.posts.find((post) => post.isPrimary) ?? person.posts[0];
      return {
        sub: person.id,
        name: person.name,
        preferred_username: person.staffNo,
        email: person.email ?? undefined,
        phone_number: person.mobile ?? undefined,
        org_unit: primary ? { code: primary.orgUnitCode, name: primary.orgUnitNameZh } : undefined,
        posts: person.posts.map((post) => ({ orgUnitCode: post.orgUnitCode, title: post.title })),
        // Asked for only when the scope is granted: it costs a query to the access module.
        roles: scopes.has('roles') && clientId ? await rolesOf(executor, person.id, clientId) : undefined,
      };
    },
  };
}

async function activePerson(executor: Executor, personId: string): Promise<Person | undefined> {
  if (!UUID.test(personId)) return undefined;
  try {
    const person = await getPerson(executor, personId);
    return person.status === 'active' ? person : undefined;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
