/** Every string of the public portal, Chinese first. Page text only: the pages escape it like data. */
import { registerMessages } from '../../platform/i18n/messages.js';

registerMessages({
  'portal.skip_to_main': { zh: '跳到主要内容', en: 'Skip to main content' },
  'portal.platform_name': { zh: '汇通政务服务', en: 'Huitong Government Services' },
  'portal.nav.label': { zh: '网站导航', en: 'Site navigation' },
  'portal.language.switch': { zh: 'English', en: '中文' },
  'portal.nav.account': { zh: '我的账号', en: 'My account' },
  'portal.nav.track': { zh: '办件查询', en: 'Track a case' },
  'portal.footer.about': {
    zh: '本门户由汇通电子政务集成平台（开源）提供。政府机构设置属于公开信息。',
    en: 'This portal runs on Huitong, an open-source e-government integration platform. The structure of government is public information.',
  },
  'portal.footer.api': { zh: '开放接口文档', en: 'Open API documentation' },
  'portal.home.heading': { zh: '{district}政务服务门户', en: '{district} Government Services Portal' },
  'portal.home.heading_unnamed': { zh: '政务服务门户', en: 'Government Services Portal' },
  'portal.home.empty': {
    zh: '机构目录中还没有信息，请稍后再来。管理员可以运行 huitong seed --demo 载入演示区。',
    en: 'The organisation directory is still empty; please come back later. An administrator can load the demo district with huitong seed --demo.',
  },
  'portal.centres.heading': { zh: '政务服务中心', en: 'Service centres' },
  'portal.centres.intro': {
    zh: '政务服务事项可在以下 {count} 个中心当面办理：区级中心 {district} 个，街镇社区事务受理服务中心 {places} 个。',
    en: 'Government services can be handled in person at these {count} centres: {district} for the whole district and {places} community affairs acceptance service centres in the towns and subdistricts.',
  },
  'portal.centres.serves_district': { zh: '服务范围：全区', en: 'Serves the whole district' },
  'portal.centres.serves_place': { zh: '服务范围：{place}', en: 'Serves {place}' },
  'portal.departments.heading': { zh: '部门和单位', en: 'Departments and bodies' },
  'portal.places.heading': { zh: '街道和镇', en: 'Subdistricts and towns' },
  'portal.places.streets': { zh: '街道', en: 'Subdistricts' },
  'portal.places.towns': { zh: '镇', en: 'Towns' },
});
