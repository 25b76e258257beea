/** Members and publication rights → the API's shape: dates as ISO strings, contacts as the service masked them. */
import type { MemberWithSecret } from './member.js';
import type { PublisherRow } from './member.repository.js';
import type { MemberView, MemberWithSecretView, PublisherView } from './member.schema.js';
import type { ReadableMember } from './member.service.js';

export function presentMember(member: ReadableMember): MemberView {
  return {
    id: member.id,
    nameZh: member.nameZh,
    nameEn: member.nameEn,
    ownerOrgUnitCode: member.ownerOrgUnitCode,
    zone: member.zone,
    status: member.status,
    contacts: member.contacts.map((contact) => ({ name: contact.name, phone: contact.phone, email: contact.email })),
    contactsMasked: member.contactsMasked,
    createdAt: member.createdAt.toISOString(),
    updatedAt: member.updatedAt.toISOString(),
  };
}

/** Registration and rotation: the caller manages the member, so its contacts are shown whole. */
export function presentMemberWithSecret(result: MemberWithSecret): MemberWithSecretView {
  return { member: presentMember({ ...result.member, contactsMasked: false }), clientSecret: result.clientSecret };
}

export function presentPublisher(row: PublisherRow): PublisherView {
  return {
    standardCode: row.standardCode,
    memberId: row.memberId,
    member: { id: row.memberId, nameZh: row.memberNameZh, nameEn: row.memberNameEn },
    grantedBy: row.grantedBy,
    grantedAt: row.grantedAt.toISOString(),
  };
}
