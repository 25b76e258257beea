/** Request and response schemas of the case API (TypeBox: JSON Schema and TS types in one). */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import {
  CASE_ACTIONS,
  CASE_QUEUES,
  CASE_STATUSES,
  CASES_DECIDE,
  CASES_HANDLE,
  MAX_CASE_PAGE_LIMIT,
  SPECIAL_PROCEDURES,
} from './case.js';
import { DELIVERY_METHODS } from './case-input.js';
import { MAX_STAGES } from './route.service.js';

// Shapes only: the services check the values and report every bad field at once, by its pointer.
// Dates leave as ISO 8601 text: the serializer writes a Date under a date-time string schema so.
const Timestamp = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });
const Day = Type.String({ description: 'YYYY-MM-DD' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** One `enum` keyword rather than a union: a wrong value is one error, not one per allowed value. */
const oneOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const Text = (maxLength: number, description?: string) =>
  Type.String({ maxLength, ...(description ? { description } : {}) });
const Opinion = (description = '意见 / opinion') => Text(2000, description);
const Version = Type.Integer({ description: '读取时的版本号（乐观并发） / the version read (optimistic concurrency)' });
const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_CASE_PAGE_LIMIT, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
};
const body = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { additionalProperties: false });

export const CaseParams = Type.Object({ id: Type.String({ maxLength: 64, description: '办件 id / case id' }) });
export const MaterialParams = Type.Object({
  id: Type.String({ maxLength: 64, description: '办件 id / case id' }),
  materialId: Type.String({ maxLength: 64, description: '材料 id / material id' }),
});
export const ItemParams = Type.Object({
  itemCode: Type.String({ minLength: 1, maxLength: 64, description: '事项实施编码 / the item’s implementation code' }),
});

export const CaseListQuery = Type.Object(
  {
    queue: Type.Optional(
      oneOf(
        CASE_QUEUES,
        'intake 待受理（有收件权限的中心）· handling 待办理（有承办、审批权限的部门）· all 全部（含监察范围） / intake: the centres granted; handling: the departments granted; all: both and the supervised',
      ),
    ),
    centre: Type.Optional(Text(64, '受理中心 / centre, e.g. C01')),
    department: Type.Optional(Text(64, '承办部门 / handling department, e.g. D08')),
    status: Type.Optional(oneOf(CASE_STATUSES)),
    light: Type.Optional(oneOf(['green', 'yellow', 'red'] as const)),
    number: Type.Optional(Text(40, '办件编号或其开头 / the case number or its beginning')),
    ...Paging,
  },
  { additionalProperties: false },
);
export type CaseListQuery = Static<typeof CaseListQuery>;

export const PageQuery = Type.Object(Paging, { additionalProperties: false });

export const IntakeBody = body({
  itemCode: Text(64, '事项实施编码 / the item’s implementation code'),
  centreCode: Text(64, '受理的服务中心 / the centre taking it in, e.g. C01'),
  applicant: body({
    kind: oneOf(['citizen', 'enterprise'] as const),
    name: Text(400, '申请人姓名或单位名称 / the applicant’s name'),
    idNumber: Text(80, '公民身份号码或统一社会信用代码 / resident id number or credit code'),
    mobile: Type.Optional(Nullable(Text(40, '手机号码 / mobile'))),
  }),
  form: Type.Record(Type.String(), Type.Unknown(), { description: '按事项申请表填写 / filled in per the item’s form' }),
});

export const ApplicationBody = body({
  itemCode: Text(64, '事项实施编码 / the item’s implementation code'),
  form: Type.Record(Type.String(), Type.Unknown(), { description: '按事项申请表填写 / filled in per the item’s form' }),
  mobile: Type.Optional(Nullable(Text(40, '联系手机，默认为账号手机 / contact mobile; the account’s by default'))),
});

export const UploadQuery = Type.Object(
  {
    materialIndex: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1000,
        description: '对应事项材料的序号；不填为其他材料 / index into the item’s materials; none for an extra document',
      }),
    ),
    filename: Text(400, '文件名 / file name'),
  },
  { additionalProperties: false },
);

export const PaperBody = body({
  materialIndex: Type.Optional(
    Nullable(Type.Integer({ description: '对应事项材料的序号 / index into the item’s materials' })),
  ),
  name: Type.Optional(Nullable(Text(400, '其他材料的名称 / the name of an extra document'))),
  form: oneOf(['original', 'copy'] as const, 'original 原件 · copy 复印件'),
  copies: Type.Integer({ description: '份数 / copies (1–99)' }),
});

export const AcceptBody = body({ version: Version, opinion: Type.Optional(Nullable(Opinion())) });
export const ReasonBody = body({ version: Version, reason: Opinion('理由 / reason') });
export const OpinionBody = body({ version: Version, opinion: Opinion() });
export const OptionalOpinionBody = AcceptBody;
export const DecideBody = body({
  version: Version,
  decision: oneOf(['granted', 'refused'] as const, 'granted 准予 · refused 不予'),
  opinion: Type.Optional(Nullable(Opinion('意见（不予时必填） / opinion, required when refused'))),
});
export const SupplementBody = body({
  version: Version,
  reason: Opinion('需补正的内容 / what is missing'),
  materialIndexes: Type.Array(Type.Integer(), {
    maxItems: 100,
    description: '需补正的材料序号 / the materials asked for',
  }),
});
export const SpecialBody = body({
  version: Version,
  kind: oneOf(SPECIAL_PROCEDURES, 'hearing 听证 · inspection 现场核查 · expert_review 专家评审'),
  reason: Opinion('理由 / reason'),
});
export const CompleteBody = body({
  version: Version,
  resultNumber: Type.Optional(Nullable(Text(200, '证照或文书编号 / the certificate or decision number'))),
  opinion: Type.Optional(Nullable(Opinion())),
});
export const DeliverBody = body({
  version: Version,
  method: oneOf(DELIVERY_METHODS, 'collected 窗口领取 · mail 邮寄 · electronic 电子送达'),
  opinion: Type.Optional(Nullable(Opinion())),
});
export const ReadBody = body({
  upTo: Type.Integer({ description: '标记到此编号（含）为已读 / mark read up to and including this id' }),
});

export const TrackQuery = Type.Object(
  {
    number: Text(40, '办件编号 / case number, e.g. C01-20261126-000123'),
    idTail: Text(12, '申请人证件号码后 6 位（不区分大小写） / the last 6 characters of the applicant’s id number'),
  },
  { additionalProperties: false },
);

const StageView = Type.Object({
  key: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  unitCode: Type.String(),
  permission: oneOf([CASES_HANDLE, CASES_DECIDE] as const),
});
export const RouteBody = body({
  stages: Type.Array(
    body({
      key: Text(64, '环节代码 / stage key, e.g. review'),
      nameZh: Text(200),
      nameEn: Text(200),
      unitCode: Text(64, '办理单位 / the unit acting at this stage'),
      permission: Text(64, `${CASES_HANDLE}（审查）| ${CASES_DECIDE}（决定，最后一个环节）`),
    }),
    { maxItems: MAX_STAGES },
  ),
});
export const RouteView = Type.Object({ itemCode: Type.String(), stages: Type.Array(StageView) });

export const MaterialView = Type.Object({
  id: Type.String(),
  materialIndex: Nullable(Type.Integer()),
  name: Type.String(),
  form: oneOf(['electronic', 'original', 'copy'] as const),
  copies: Type.Integer(),
  sha256: Nullable(Type.String()),
  filename: Nullable(Type.String()),
  mediaType: Nullable(Type.String()),
  bytes: Nullable(Type.Integer()),
  receivedAt: Timestamp,
});

const StepView = Type.Object({
  seq: Type.Integer(),
  action: Type.String(),
  fromStatus: Nullable(oneOf(CASE_STATUSES)),
  toStatus: oneOf(CASE_STATUSES),
  stage: Nullable(Type.Integer()),
  actor: Type.Union(
    [
      Type.Object({
        type: oneOf(['user', 'public', 'system'] as const),
        id: Type.String(),
        name: Nullable(Type.String()),
      }),
      Type.Null(),
    ],
    { description: '经办人；对申请人不显示工作人员 / who acted; staff are not shown to applicants' },
  ),
  actorPost: Nullable(Type.String()),
  orgUnitCode: Nullable(Type.String()),
  opinion: Nullable(Type.String()),
  at: Timestamp,
});

export const CaseView = Type.Object({
  id: Type.String(),
  number: Type.String(),
  itemCode: Type.String(),
  itemVersion: Type.Integer(),
  itemNameZh: Type.String(),
  departmentCode: Type.String(),
  centreCode: Nullable(Type.String()),
  channel: oneOf(['window', 'online'] as const),
  applicant: Type.Object(
    {
      kind: oneOf(['citizen', 'enterprise'] as const),
      name: Type.String(),
      idNumber: Type.String(),
      mobile: Nullable(Type.String()),
    },
    {
      description:
        '办理人员和申请人本人看到完整信息，监察人员看到脱敏信息 / whole for those who work on it and the applicant, masked for supervisors',
    },
  ),
  applicantWhole: Type.Boolean(),
  publicAccountId: Nullable(Type.String()),
  form: Type.Record(Type.String(), Type.Unknown(), { description: '脱敏视图中为空 / empty in a masked view' }),
  status: oneOf(CASE_STATUSES),
  stage: Type.Integer(),
  stages: Type.Array(StageView),
  decision: Nullable(oneOf(['granted', 'refused'] as const)),
  submittedAt: Timestamp,
  acceptedAt: Nullable(Timestamp),
  decidedAt: Nullable(Timestamp),
  completedAt: Nullable(Timestamp),
  closedAt: Nullable(Timestamp),
  promisedLimitDays: Type.Integer(),
  statutoryLimitDays: Type.Integer(),
  acceptedOn: Nullable(Day),
  dueOn: Nullable(Day),
  statutoryDueOn: Nullable(Day),
  warnOn: Nullable(Day),
  deadlineProvisional: Type.Boolean({
    description:
      '期限中有日期超出工作日历年份，暂按周一至周五推算，节假日安排发布后自动更新 / some deadline day lies past the calendar’s years and was counted Monday–Friday; updated once the schedule is published',
  }),
  pausedDays: Type.Integer(),
  pausedSince: Nullable(Day),
  workingDaysUsed: Nullable(Type.Integer()),
  onTime: Nullable(Type.Boolean()),
  resultNumber: Nullable(Type.String()),
  version: Type.Integer(),
  light: Nullable(oneOf(['green', 'yellow', 'red'] as const)),
  steps: Type.Array(StepView),
  materials: Type.Array(MaterialView),
  checklist: Type.Array(
    Type.Object({
      materialIndex: Type.Integer(),
      nameZh: Type.String(),
      nameEn: Type.String(),
      required: Type.Boolean(),
      electronicAccepted: Type.Boolean(),
      received: Type.Boolean(),
    }),
  ),
  pauses: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      kind: Type.String(),
      reason: Type.String(),
      startedOn: Day,
      endedOn: Nullable(Day),
      workingDays: Nullable(Type.Integer()),
    }),
  ),
  rating: Nullable(
    Type.Object({
      score: Type.Integer(),
      channel: oneOf(['window', 'online'] as const),
      comment: Nullable(Type.String()),
      ratedAt: Timestamp,
      followUpDueOn: Nullable(Day),
      followUpAnswer: Nullable(Type.String()),
      answeredAt: Nullable(Timestamp),
    }),
  ),
  allowedActions: Type.Array(oneOf(CASE_ACTIONS), {
    description: '当前调用者此刻可做的操作 / what this caller may do now',
  }),
});
export type CaseView = Static<typeof CaseView>;

export const CasePageView = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      number: Type.String(),
      itemCode: Type.String(),
      itemNameZh: Type.String(),
      departmentCode: Type.String(),
      centreCode: Nullable(Type.String()),
      channel: oneOf(['window', 'online'] as const),
      applicantName: Type.String({ description: '已脱敏 / masked' }),
      status: oneOf(CASE_STATUSES),
      stage: Type.Integer(),
      stageNameZh: Nullable(Type.String()),
      stageNameEn: Nullable(Type.String()),
      dueOn: Nullable(Day),
      deadlineProvisional: Type.Boolean({
        description: '期限暂按周一至周五推算 / deadlines counted Monday–Friday for now',
      }),
      light: Nullable(oneOf(['green', 'yellow', 'red'] as const)),
      submittedAt: Timestamp,
    }),
  ),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const TrackView = Type.Object({
  number: Type.String(),
  itemNameZh: Type.String(),
  itemNameEn: Nullable(Type.String()),
  status: oneOf(CASE_STATUSES),
  decision: Nullable(oneOf(['granted', 'refused'] as const)),
  submittedAt: Timestamp,
  acceptedAt: Nullable(Timestamp),
  completedAt: Nullable(Timestamp),
  dueOn: Nullable(Day),
  deadlineProvisional: Type.Boolean({
    description: '办理期限暂按周一至周五推算 / the due day was counted Monday–Friday for now',
  }),
  light: Nullable(oneOf(['green', 'yellow', 'red'] as const)),
  steps: Type.Array(
    Type.Object({
      action: Type.String(),
      toStatus: oneOf(CASE_STATUSES),
      at: Timestamp,
      stageNameZh: Nullable(Type.String()),
      stageNameEn: Nullable(Type.String()),
      reason: Nullable(Type.String({ description: '仅不予受理、不予决定的理由 / only the reason of a refusal' })),
    }),
  ),
  canRate: Type.Boolean(),
});

export const NotificationPageView = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      caseId: Type.String(),
      caseNumber: Type.String(),
      itemNameZh: Type.String(),
      kind: Type.String({ description: '引起变化的操作 / the action that changed the case' }),
      status: oneOf(CASE_STATUSES),
      createdAt: Timestamp,
      readAt: Nullable(Timestamp),
    }),
  ),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export const ReadView = Type.Object({ count: Type.Integer({ description: '新标记为已读的条数 / newly marked read' }) });
