/**
 * Stored public accounts → the API's shapes. Two views: masked for every reader but the holder, and
 * the holder's own, whole but for the identity number (docs/public-accounts.md says why).
 */
import { maskEmail, maskName, maskPhone, maskResidentId } from '../../platform/identifiers/mask.js';
import type { PublicAccount } from './public-account.js';
import type { MyPublicAccountView, PublicAccountView } from './public-account.schema.js';

/**
 * An account with its personal data masked.
 * @example presentPublicAccount(account).residentId; // '110105********002X'
 */
export function presentPublicAccount(account: PublicAccount): PublicAccountView {
  return {
    id: account.id,
    kind: account.kind,
    status: account.status,
    personName: maskName(account.personName),
    residentId: maskResidentId(account.residentId),
    creditCode: account.creditCode,
    enterpriseName: account.enterpriseName,
    agentRole: account.agentRole,
    mobile: maskPhone(account.mobile),
    email: account.email === null ? null : maskEmail(account.email),
    createdAt: account.createdAt.toISOString(),
  };
}

/**
 * The holder's own account.
 * @example presentMyPublicAccount(account).residentId; // '**************002X'
 */
export function presentMyPublicAccount(account: PublicAccount): MyPublicAccountView {
  return {
    ...presentPublicAccount(account),
    personName: account.personName,
    residentId: lastFourOnly(account.residentId),
    mobile: account.mobile,
    email: account.email,
    passwordChangedAt: account.passwordChangedAt.toISOString(),
  };
}

/**
 * An identity number with all but its last 4 characters hidden: enough for the holder to recognise
 * it, nothing of the place or date of birth for whoever else looks at the screen.
 * @example lastFourOnly('11010519491231002X'); // '**************002X'
 */
export function lastFourOnly(residentId: string): string {
  const characters = [...residentId];
  return '*'.repeat(Math.max(0, characters.length - 4)) + characters.slice(-4).join('');
}
