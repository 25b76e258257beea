/** The directory's messages: its errors and the seed command's output, Chinese first. */
import { registerMessages } from '../../platform/i18n/messages.js';

registerMessages({
  'directory.org_unit_not_found': { zh: '机构不存在', en: 'Organisation unit not found' },
  'directory.org_unit_not_found.detail': { zh: '没有代码为 {code} 的机构。', en: 'There is no unit with code {code}.' },
  'directory.org_unit_invalid': { zh: '机构信息不符合要求', en: 'The organisation unit is not valid' },
  'directory.org_unit_invalid.detail': {
    zh: '有 {count} 处不符合要求，见 errors。',
    en: '{count} field(s) failed validation; see errors.',
  },
  'directory.parent_not_found': { zh: '上级机构不存在', en: 'Parent unit not found' },
  'directory.parent_not_found.detail': {
    zh: '机构 {code} 的上级机构 {parentCode} 不存在。',
    en: 'The parent {parentCode} of unit {code} does not exist.',
  },
  'directory.parent_kind_mismatch': { zh: '上级机构类型不符', en: 'The parent is of the wrong kind' },
  'directory.parent_kind_mismatch.detail': {
    zh: '{kind} 类机构 {code} 不能隶属于 {parentKind} 类机构 {parentCode}。',
    en: 'Unit {code} ({kind}) cannot hang under {parentCode} ({parentKind}).',
  },
  'directory.children_kind_mismatch': { zh: '下级机构类型不符', en: 'A child is of the wrong kind' },
  'directory.children_kind_mismatch.detail': {
    zh: '机构 {code} 改为 {kind} 类后，其下级 {childCode}（{childKind} 类）将无法隶属于它。',
    en: 'As a {kind}, unit {code} could not keep its child {childCode} ({childKind}).',
  },
  'directory.org_unit_cycle': { zh: '机构隶属关系形成循环', en: 'The move would make a cycle' },
  'directory.org_unit_cycle.detail': {
    zh: '{parentCode} 隶属于 {code}，{code} 不能再隶属于它。',
    en: '{parentCode} is below {code}, so {code} cannot be placed under it.',
  },
  'directory.root_exists': { zh: '区级机构已存在', en: 'The district already exists' },
  'directory.root_exists.detail': {
    zh: '机构树只有一个根：区 {rootCode}。{code} 不能再作为根。',
    en: 'The tree has one root, the district {rootCode}; {code} cannot be a second one.',
  },
  'directory.parent_dissolved': { zh: '上级机构已撤销', en: 'The parent unit is dissolved' },
  'directory.parent_dissolved.detail': {
    zh: '上级机构 {parentCode} 已撤销，机构 {code} 不能在其下保持有效。',
    en: 'The parent {parentCode} is dissolved, so unit {code} cannot be active under it.',
  },
  'directory.active_children': { zh: '仍有有效的下级机构', en: 'The unit still has active children' },
  'directory.active_children.detail': {
    zh: '机构 {code} 下的 {childCode} 仍有效，请先撤销或迁移下级机构。',
    en: 'Unit {code} still has the active child {childCode}: dissolve or move it first.',
  },
  'directory.seed.summary': {
    zh: '演示区“{districtNameZh}”：共 {units} 个机构（{departments} 个部门、{townsAndStreets} 个镇和街道、{serviceCentres} 个服务中心）；新增 {created}，更新 {updated}，未变 {unchanged}。',
    en: 'Demo district "{districtNameEn}": {units} units ({departments} departments, {townsAndStreets} towns and streets, {serviceCentres} service centres); {created} created, {updated} updated, {unchanged} unchanged.',
  },
  'directory.seed.nothing_to_seed': {
    zh: '目前只有演示数据可以载入：请使用 huitong seed --demo。',
    en: 'The demo district is the only thing to seed so far: run huitong seed --demo.',
  },
  'directory.person_not_found': { zh: '人员不存在', en: 'Person not found' },
  'directory.person_invalid': { zh: '人员信息不符合要求', en: 'The person is not valid' },
  'directory.person_invalid.detail': {
    zh: '有 {count} 处不符合要求，见 errors。',
    en: '{count} field(s) failed validation; see errors.',
  },
  'directory.people_query_invalid': { zh: '人员查询条件不符合要求', en: 'The people query is not valid' },
  'directory.people_query_invalid.detail': {
    zh: '有 {count} 处不符合要求，见 errors。',
    en: '{count} field(s) failed validation; see errors.',
  },
  'directory.person_left': { zh: '人员已离职', en: 'The person has left' },
  'directory.person_left.detail': {
    zh: '已离职人员不能任职，请先恢复其在职状态。',
    en: 'A person who has left cannot hold a post; make them active first.',
  },
  'directory.post_invalid': { zh: '职务信息不符合要求', en: 'The post is not valid' },
  'directory.post_invalid.detail': {
    zh: '有 {count} 处不符合要求，见 errors。',
    en: '{count} field(s) failed validation; see errors.',
  },
  'directory.post_not_found': { zh: '职务不存在', en: 'Post not found' },
  'directory.post_exists': { zh: '已担任该职务', en: 'The person already holds this post' },
  'directory.post_exists.detail': {
    zh: '该人员已在机构 {orgUnitCode} 担任同一职务。',
    en: 'The person already holds the same title in unit {orgUnitCode}.',
  },
  'directory.post_ended': { zh: '职务已结束', en: 'The post has ended' },
  'directory.staff_import_invalid': {
    zh: '人员导入文件有误，未导入任何数据',
    en: 'The staff file has errors; nothing was imported',
  },
  'directory.staff_import_invalid.detail': {
    zh: '有 {count} 处错误，见 errors（行号和列）。',
    en: '{count} error(s); see errors (row and column).',
  },
  'directory.staff_import_too_large': { zh: '人员导入文件过大', en: 'The staff file is too large' },
  'directory.staff_import_too_large.detail': {
    zh: '文件不能超过 {maxBytes} 字节。',
    en: 'The file may be at most {maxBytes} bytes.',
  },
  'directory.seed.staff_summary': {
    zh: '演示人员：共 {people} 人；新增 {created}，更新 {updated}，未变 {unchanged}。',
    en: 'Demo staff: {people} people; {created} created, {updated} updated, {unchanged} unchanged.',
  },
  'directory.staff_import_file_not_found': { zh: '找不到人员导入文件', en: 'The staff file was not found' },
  'directory.staff_import_file_not_found.detail': {
    zh: '没有文件 {file}，请检查路径。',
    en: 'There is no file {file}; check the path.',
  },
  'directory.import.progress': { zh: '导入进度 {done}/{total} 人', en: 'imported {done}/{total} people' },
  'directory.import.summary': {
    zh: '人员导入完成：共 {people} 人；新增 {created}，更新 {updated}，未变 {unchanged}。',
    en: 'Staff import done: {people} people; {created} created, {updated} updated, {unchanged} unchanged.',
  },
  'directory.import.dry_run_summary': {
    zh: '试导入（未保存任何数据）：共 {people} 人；将新增 {created}，更新 {updated}，未变 {unchanged}。',
    en: 'Dry run (nothing kept): {people} people; {created} would be created, {updated} updated, {unchanged} unchanged.',
  },
  'directory.import.refused': {
    zh: '文件有 {count} 处错误，未导入任何数据：',
    en: 'The file has {count} error(s); nothing was imported:',
  },
  'directory.import.reason.unknown_column': { zh: '无法识别的列名', en: 'unknown column header' },
  'directory.import.reason.duplicate_column': { zh: '列重复', en: 'the column appears twice' },
  'directory.import.reason.missing_column': { zh: '缺少必需的列', en: 'a required column is missing' },
  'directory.import.reason.too_many_fields': { zh: '本行的列数多于表头', en: 'more fields than the header' },
  'directory.import.reason.unclosed_quote': { zh: '引号未闭合', en: 'a quote is not closed' },
  'directory.import.reason.quote_in_field': { zh: '字段中有多余的引号', en: 'a stray quote in a field' },
  'directory.import.reason.required': { zh: '不能为空', en: 'required' },
  'directory.import.reason.format': { zh: '格式不正确', en: 'wrong format' },
  'directory.import.reason.too_long': { zh: '过长', en: 'too long' },
  'directory.import.reason.one_of': { zh: '只能填 是/否', en: 'must be yes or no' },
  'directory.import.reason.differs_from_earlier_row': {
    zh: '与同一工号的前一行不一致',
    en: 'differs from an earlier row of the same HR number',
  },
  'directory.import.reason.more_than_one': { zh: '同一人有多个主岗', en: 'more than one primary post' },
  'directory.import.reason.duplicate': { zh: '文件内重复', en: 'duplicated within the file' },
  'directory.import.reason.taken': { zh: '已被其他人员使用', en: 'held by someone else' },
  'directory.import.reason.not_found': { zh: '机构不存在', en: 'no such unit' },
  'directory.import.reason.dissolved': { zh: '机构已撤销', en: 'the unit is dissolved' },
  'directory.import.reason.left': { zh: '该人员已离职', en: 'the person has left' },
  'directory.import.reason.out_of_scope': {
    zh: '超出您的管理范围（机构或该人员的现任职务）',
    en: 'outside what you manage (the unit, or a post the person holds)',
  },
});
