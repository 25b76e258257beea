/** Request and response schemas of the supervision, rating and statistics API (TypeBox). */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { MAX_ANSWER_LENGTH } from './follow-up.service.js';
import { MAX_COMMENT_LENGTH } from './rating.service.js';
import { EXPORT_FORMATS } from './statistics-export.js';
import { MAX_LIMIT } from './supervision-query.js';

// Shapes only: the services check the values and name every bad field.
// Dates leave as ISO 8601 text: the serializer writes a Date under a date-time string schema so.
const Timestamp = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });
const Day = Type.String({ description: 'YYYY-MM-DD' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const oneOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
};
const Unit = (description: string) => Type.Optional(Type.String({ maxLength: 64, description }));

export const CaseParams = Type.Object({ id: Type.String({ maxLength: 64, description: '办件 id / case id' }) });
export const AlertParams = Type.Object({ id: Type.Integer({ minimum: 1, description: '预警编号 / alert id' }) });

const Score = Type.Integer({ description: '1 非常不满意 · 2 不满意 · 3 基本满意 · 4 满意 · 5 非常满意' });
const Comment = Type.Optional(Type.Union([Type.String({ maxLength: MAX_COMMENT_LENGTH }), Type.Null()]));

export const RatingBody = Type.Object({ score: Score, comment: Comment }, { additionalProperties: false });
export const TrackRatingBody = Type.Object(
  {
    number: Type.String({ maxLength: 40, description: '办件编号 / case number' }),
    idTail: Type.String({ maxLength: 12, description: '申请人证件号码后 6 位 / last 6 characters of the id number' }),
    score: Score,
    comment: Comment,
  },
  { additionalProperties: false },
);
export const AnswerBody = Type.Object(
  {
    answer: Type.String({
      maxLength: MAX_ANSWER_LENGTH,
      description: '整改和回访情况 / what was put right and how the applicant was called back',
    }),
  },
  { additionalProperties: false },
);

export const RatingView = Type.Object({
  score: Type.Integer(),
  channel: oneOf(['window', 'online']),
  comment: Nullable(Type.String()),
  ratedAt: Timestamp,
  followUpDueOn: Nullable(Day),
  followUpAnswer: Nullable(Type.String()),
  answeredAt: Nullable(Timestamp),
});

export const FollowUpQuery = Type.Object(
  {
    state: Type.Optional(
      oneOf(['open', 'overdue', 'answered'], 'open（未答复）· overdue（超期未答复）· answered（已答复）'),
    ),
    department: Unit('部门代码 / department code'),
    ...Paging,
  },
  { additionalProperties: false },
);
export type FollowUpQuery = Static<typeof FollowUpQuery>;

export const FollowUpPageView = Type.Object({
  items: Type.Array(
    Type.Object({
      caseId: Type.String(),
      number: Type.String(),
      itemCode: Type.String(),
      itemNameZh: Type.String(),
      departmentCode: Type.String(),
      centreCode: Nullable(Type.String()),
      score: Type.Integer(),
      channel: Type.String(),
      comment: Nullable(Type.String()),
      ratedAt: Timestamp,
      dueOn: Day,
      overdue: Type.Boolean(),
      answer: Nullable(Type.String()),
      answeredAt: Nullable(Timestamp),
      answeredBy: Nullable(Type.String()),
    }),
  ),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const OverviewQuery = Type.Object(
  { by: Type.Optional(oneOf(['department', 'centre'], '按部门或服务中心 / by department or centre')) },
  { additionalProperties: false },
);
export const OverviewView = Type.Array(
  Type.Object({
    unitCode: Type.String({ description: "部门或中心代码，网上申请为 '' / unit code, '' for online applications" }),
    green: Type.Integer(),
    yellow: Type.Integer(),
    red: Type.Integer(),
    paused: Type.Integer(),
    total: Type.Integer(),
  }),
);

export const WarnedCasesQuery = Type.Object(
  {
    light: Type.Optional(
      oneOf(['yellow', 'red'], '黄灯（临近时限）或红灯（超期）；缺省两者 / yellow or red; both by default'),
    ),
    department: Unit('部门代码 / department code'),
    centre: Unit('服务中心代码 / centre code'),
    ...Paging,
  },
  { additionalProperties: false },
);
export const AlertQuery = Type.Object(
  {
    level: Type.Optional(oneOf(['yellow', 'red'])),
    state: Type.Optional(oneOf(['open', 'acknowledged'], 'open（未签收）· acknowledged（已签收）')),
    ...Paging,
  },
  { additionalProperties: false },
);
export const AlertView = Type.Object({
  id: Type.Integer(),
  caseId: Type.String(),
  number: Type.String(),
  itemCode: Type.String(),
  itemNameZh: Type.String(),
  level: Type.String(),
  departmentCode: Type.String(),
  centreCode: Nullable(Type.String()),
  raisedOn: Day,
  raisedAt: Timestamp,
  acknowledgedAt: Nullable(Timestamp),
  acknowledgedBy: Nullable(Type.String()),
  dueOn: Nullable(Day),
});
export const AlertPageView = Type.Object({
  items: Type.Array(AlertView),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

const StatisticsFilter = {
  from: Type.Optional(Type.String({ maxLength: 20, description: '起始日期（含）/ first day, YYYY-MM-DD' })),
  to: Type.Optional(Type.String({ maxLength: 20, description: '截止日期（含）/ last day, YYYY-MM-DD' })),
  by: Type.Optional(oneOf(['centre', 'department', 'item', 'month', 'day'])),
  centre: Unit('服务中心代码 / centre code'),
  department: Unit('部门代码 / department code'),
};
export const StatisticsQuery = Type.Object(StatisticsFilter, { additionalProperties: false });
export const ExportQuery = Type.Object(
  { ...StatisticsFilter, format: Type.Optional(oneOf(EXPORT_FORMATS)) },
  { additionalProperties: false },
);
export type ExportQuery = Static<typeof ExportQuery>;

const Figures = {
  submitted: Type.Integer(),
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  completed: Type.Integer(),
  onTime: Type.Integer(),
  onTimeRate: Type.Union([Type.Number(), Type.Null()]),
  avgWorkingDays: Type.Union([Type.Number(), Type.Null()]),
  granted: Type.Integer(),
  refused: Type.Integer(),
  withdrawn: Type.Integer(),
  ratings: Type.Integer(),
  avgRating: Type.Union([Type.Number(), Type.Null()]),
  poorRatings: Type.Integer(),
};
export const StatisticsView = Type.Object({
  from: Day,
  to: Day,
  by: Type.String(),
  rows: Type.Array(
    Type.Object({
      key: Type.String(),
      labelZh: Type.Optional(Type.String()),
      labelEn: Type.Optional(Type.String()),
      ...Figures,
    }),
  ),
  totals: Type.Object(Figures),
});
