/**
 * The demo district's staff: about three hundred fictional civil servants spread over the demo
 * organisation (demo-organisation.ts), generated deterministically so every run and every machine
 * gets the same people. Names are drawn from common surnames and given-name characters; HR numbers
 * are `HT000001`…, mobiles sit in the 1990000xxxx block and e-mail addresses under the reserved
 * `.example` domain (RFC 2606), so none of it can reach a real person.
 */
import { DEMO_ORGANISATION } from './demo-organisation.js';
import type { OrgUnitInput } from './org-unit.js';
import type { StaffRow } from './staff-import.service.js';

/** The day the demo staff took up their posts: the (fictional) district's founding day. */
export const DEMO_STAFF_SINCE = '2019-01-01';

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁'];
const GIVEN = [...'伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建文玉萍红国志海波宁亮晨欣怡浩宇晓'];

/** The district administrative service centre, where departments station window staff. */
const DISTRICT_CENTRE = 'C00';
/** Every fifth department stations its most junior demo member at the district centre as well. */
const STATIONING_EVERY = 5;

/** Titles (职务) of the demo people of one unit, the head first. */
function titlesOf(unit: OrgUnitInput): string[] {
  switch (unit.kind) {
    case 'district':
      return ['区长', '副区长', '副区长'];
    case 'department':
      return unit.nameZh.endsWith('局') ? ['局长', '副局长', '科长', '科员'] : ['主任', '副主任', '科长', '科员'];
    case 'town':
      return ['镇长', '副镇长', '科长', '科员'];
    case 'street':
      return ['街道办事处主任', '街道办事处副主任', '科长', '科员'];
    case 'service_centre':
      return unit.code === DISTRICT_CENTRE
        ? ['中心主任', '中心副主任', '窗口负责人', '综合窗口受理员', '综合窗口受理员', '综合窗口受理员']
        : ['综合窗口受理员'];
    case 'office':
      return ['科员'];
  }
}

/** The `index`-th demo person's name: a surname and one or two given-name characters. */
function nameOf(index: number): string {
  const surname = SURNAMES[(index * 7 + 3) % SURNAMES.length]!;
  const first = GIVEN[(index * 11 + 5) % GIVEN.length]!;
  const second = index % 3 === 0 ? '' : GIVEN[(index * 17 + 2) % GIVEN.length]!;
  return surname + first + second;
}

function demoStaffRows(): StaffRow[] {
  const rows: StaffRow[] = [];
  let index = 0;
  let departments = 0;
  for (const unit of DEMO_ORGANISATION) {
    const titles = titlesOf(unit);
    if (unit.kind === 'department') departments += 1;
    for (const [position, title] of titles.entries()) {
      index += 1;
      const staffNo = `HT${String(index).padStart(6, '0')}`;
      const person = {
        staffNo,
        name: nameOf(index),
        mobile: `1990000${String(index).padStart(4, '0')}`,
        email: `${staffNo.toLowerCase()}@huitong.example`,
      };
      rows.push({ row: rows.length + 2, ...person, orgUnitCode: unit.code, title, isPrimary: true });
      const junior = position === titles.length - 1;
      if (unit.kind === 'department' && junior && departments % STATIONING_EVERY === 0) {
        rows.push({
          row: rows.length + 2,
          ...person,
          orgUnitCode: DISTRICT_CENTRE,
          title: '派驻窗口工作人员',
          isPrimary: false,
        });
      }
    }
  }
  return rows;
}

/**
 * Every post of the demo staff, as rows of a staff file (row numbers as if the file had a header).
 * @example new Set(DEMO_STAFF.map((row) => row.staffNo)).size; // 312
 */
export const DEMO_STAFF: readonly StaffRow[] = demoStaffRows();
