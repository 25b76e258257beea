/**
 * The public accounts' messages: their errors and the reasons a registration field is refused,
 * Chinese first. A reason text never repeats the value: the form shows it beside the field.
 */
import { registerMessages } from '../../platform/i18n/messages.js';

/** Why a registration or password-change field is refused, beyond the identifier and password reasons. */
export const PUBLIC_FIELD_REASON_TEXT = {
  required: { zh: '请填写此项。', en: 'This field is required.' },
  too_long: { zh: '内容过长。', en: 'This is too long.' },
  format: { zh: '格式不正确。', en: 'This is not in the expected format.' },
  mobile_format: {
    zh: '请填写 11 位中国大陆手机号码。',
    en: 'Enter an 11-digit mainland China mobile number.',
  },
  email_format: {
    zh: '请填写有效的电子邮箱地址，如 name@example.com。',
    en: 'Enter an e-mail address such as name@example.com.',
  },
  one_of: { zh: '请从给出的选项中选择。', en: 'Choose one of the options given.' },
  password_contains_identity: {
    zh: '密码不能包含身份证号码或统一社会信用代码（含其中的出生日期或末 6 位）、手机号、姓名或单位名称。',
    en: 'A password may not contain the identity number or credit code (nor its date of birth or last 6 characters), the mobile number, the name or the organisation name.',
  },
  incorrect: { zh: '当前密码不正确。', en: 'The current password is not correct.' },
  same_as_current: { zh: '新密码不能与当前密码相同。', en: 'The new password must differ from the current one.' },
} as const;

export type PublicFieldReason = keyof typeof PUBLIC_FIELD_REASON_TEXT;

registerMessages({
  'identity.public_account_invalid': { zh: '注册信息不符合要求', en: 'The registration is not valid' },
  'identity.public_account_invalid.detail': {
    zh: '有 {count} 处不符合要求，见 errors。',
    en: '{count} field(s) failed validation; see errors.',
  },
  ...Object.fromEntries(
    Object.entries(PUBLIC_FIELD_REASON_TEXT).map(([reason, text]) => [`identity.public_field.reason.${reason}`, text]),
  ),
  'identity.public_account_exists': { zh: '账号已存在', en: 'The account already exists' },
  'identity.public_account_exists.detail': {
    zh: '该证件号码、统一社会信用代码或手机号已注册。如是您本人注册的，请直接登录；如不是，请携带证件到政务服务中心办理。',
    en: 'This identity number, credit code or mobile number is already registered. If you registered it, sign in; if not, bring your identity document to a service centre.',
  },
  'identity.public_registration_throttled': { zh: '注册尝试过于频繁', en: 'Too many registration attempts' },
  'identity.public_registration_throttled.detail': {
    zh: '来自此网络地址的注册尝试过多，请在 {retryAfterSeconds} 秒后再试。',
    en: 'Too many registrations were attempted from this network address; try again in {retryAfterSeconds} seconds.',
  },
  'identity.public_sign_in_failed': { zh: '登录失败', en: 'Sign-in failed' },
  'identity.public_sign_in_failed.detail': {
    zh: '账号或密码不正确，或账号暂不可用。多次失败后需等待片刻再试。',
    en: 'The account or password is not correct, or the account is not available. After repeated failures, wait a moment before trying again.',
  },
  'identity.public_sign_in_throttled': { zh: '登录尝试过于频繁', en: 'Too many sign-in attempts' },
  'identity.public_sign_in_throttled.detail': {
    zh: '请在 {retryAfterSeconds} 秒后再试。',
    en: 'Try again in {retryAfterSeconds} seconds.',
  },
  'identity.public_password_change_invalid': { zh: '密码修改未完成', en: 'The password was not changed' },
  'identity.public_password_change_invalid.detail': {
    zh: '有 {count} 处不符合要求，见 errors。',
    en: '{count} field(s) failed validation; see errors.',
  },
  'identity.public_account_not_found': { zh: '账号不存在', en: 'Account not found' },
});
