/**
 * The demo's exchange members: systems of the demo district's departments
 * (src/modules/directory/demo-organisation.ts), with publication rights and approved pull
 * subscriptions to the demo standards (demo-standards.ts, seeded first). Pull, not push: a demo
 * has no departmental endpoints to push to. Idempotent: what exists is left as it is. Client
 * secrets are returned to the caller, for members registered by this run only, and printed nowhere.
 */
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import type { SecretBox } from '../../platform/secrets/secret-box.js';
import { SYSTEM_ONLY_POLICY } from '../directory/index.js';
import type { MemberInput } from './member.js';
import { selectMember, selectStandardRef } from './member.repository.js';
import { grantPublisher, registerMember } from './member.service.js';
import { selectLiveSubscription } from './subscription.repository.js';
import { approveSubscription, requestSubscription } from './subscription.service.js';

export interface DemoMember extends MemberInput {
  publishes: readonly string[];
  subscribes: readonly string[];
}

/** Contacts are fictional: 555-style numbers of the demo, addresses under the demo's own domain. */
export const DEMO_MEMBERS: readonly DemoMember[] = [
  {
    id: 'gaj-rkxt',
    nameZh: '公安人口管理系统',
    nameEn: 'Public security population system',
    ownerOrgUnitCode: 'D07',
    zone: 'internal',
    contacts: [{ name: '赵建国', phone: '010-55501007', email: 'rkxt@gaj.huitong.example' }],
    publishes: ['population-basic'],
    subscribes: ['legal-person-basic', 'case-record'],
  },
  {
    id: 'scjg-qydj',
    nameZh: '市场监管企业登记系统',
    nameEn: 'Market regulation enterprise registration system',
    ownerOrgUnitCode: 'D24',
    zone: 'internal',
    contacts: [{ name: '钱丽华', phone: '010-55501024', email: 'qydj@scjg.huitong.example' }],
    publishes: ['legal-person-basic'],
    subscribes: ['population-basic'],
  },
  {
    id: 'zrzy-gis',
    nameZh: '规划和自然资源地理信息系统',
    nameEn: 'Planning and natural resources GIS',
    ownerOrgUnitCode: 'D12',
    zone: 'internal',
    contacts: [{ name: '孙明', phone: '010-55501012', email: 'gis@ghzy.huitong.example' }],
    publishes: ['geo-feature'],
    subscribes: ['legal-person-basic'],
  },
  {
    id: 'zwfw-ycsl',
    nameZh: '政务服务一窗受理系统',
    nameEn: 'One-window case intake system',
    ownerOrgUnitCode: 'D35',
    zone: 'internal',
    contacts: [{ name: '李静', phone: '010-55501035', email: 'ycsl@zwfw.huitong.example' }],
    publishes: ['case-record'],
    subscribes: ['population-basic', 'legal-person-basic', 'geo-feature'],
  },
  {
    // Internet-facing: it may subscribe to public data only; the zone rule keeps the rest from it.
    id: 'bmfw-app',
    nameZh: '汇通便民服务移动应用',
    nameEn: 'Huitong citizen services app',
    ownerOrgUnitCode: 'D35',
    zone: 'external',
    contacts: [{ name: '周晓', phone: '010-55501036', email: 'app@zwfw.huitong.example' }],
    publishes: ['case-record'],
    subscribes: ['legal-person-basic', 'geo-feature'],
  },
];

export interface DemoMembersReport {
  members: number;
  publishers: number;
  subscriptions: number;
  /** The secrets of the members this run registered: the caller decides where they go. */
  credentials: Array<{ memberId: string; clientSecret: string }>;
}

/**
 * Seeds the demo members, their publication rights and approved subscriptions.
 * @example const { credentials } = await seedDemoMembers(db, { secrets: runtime.secrets });
 */
export async function seedDemoMembers(executor: Executor, deps: { secrets: SecretBox }): Promise<DemoMembersReport> {
  const acting = { policy: SYSTEM_ONLY_POLICY, secrets: deps.secrets };
  return inTransaction(executor, async (tx) => {
    const report: DemoMembersReport = { members: 0, publishers: 0, subscriptions: 0, credentials: [] };
    for (const { publishes, subscribes, ...member } of DEMO_MEMBERS) {
      if (!(await selectMember(tx, member.id))) {
        const { clientSecret } = await registerMember(tx, SYSTEM_ACTOR, member, acting);
        report.members += 1;
        report.credentials.push({ memberId: member.id, clientSecret });
      }
      for (const code of publishes) {
        if (!(await selectStandardRef(tx, code))) continue;
        if ((await grantPublisher(tx, SYSTEM_ACTOR, code, member.id, acting)).created) report.publishers += 1;
      }
      for (const code of subscribes) {
        if (!(await selectStandardRef(tx, code)) || (await selectLiveSubscription(tx, member.id, code))) continue;
        const subscription = await requestSubscription(
          tx,
          SYSTEM_ACTOR,
          { memberId: member.id, standardCode: code, mode: 'pull' },
          acting,
        );
        await approveSubscription(tx, SYSTEM_ACTOR, subscription.id, acting);
        report.subscriptions += 1;
      }
    }
    return report;
  });
}
