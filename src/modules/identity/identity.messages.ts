/** The identity module's messages: its errors, Chinese first. Password policy texts live in password-policy.ts. */
import { registerMessages } from '../../platform/i18n/messages.js';

const FIELDS_DETAIL = {
  zh: '有 {count} 处不符合要求，见 errors。',
  en: '{count} field(s) failed validation; see errors.',
};

registerMessages({
  'identity.sign_in_failed': { zh: '登录失败', en: 'Sign-in failed' },
  'identity.sign_in_failed.detail': {
    zh: '用户名（或手机号）、密码或验证码不正确，或该账号暂时不能登录。连续多次失败后账号将被暂时锁定。',
    en: 'The username (or mobile number), password or code is not correct, or the account cannot sign in now. Repeated failures lock the account for a while.',
  },
  'identity.sign_in_throttled': { zh: '尝试过于频繁', en: 'Too many attempts' },
  'identity.sign_in_throttled.detail': {
    zh: '登录失败次数较多，请 {retryAfterSeconds} 秒后再试。',
    en: 'Too many failed sign-ins: try again in {retryAfterSeconds} s.',
  },
  'identity.second_factor_required': { zh: '需要动态验证码', en: 'A one-time code is required' },
  'identity.second_factor_required.detail': {
    zh: '该账号已启用两步验证：请输入身份验证器中的 6 位动态验证码，或一个恢复码。',
    en: 'This account uses two-step verification: enter the 6-digit code from your authenticator app, or a recovery code.',
  },
  'identity.sign_in_expired': { zh: '登录步骤已过期', en: 'The sign-in step has expired' },
  'identity.sign_in_expired.detail': {
    zh: '输入密码后超过 {minutes} 分钟未完成验证，请重新登录。',
    en: 'More than {minutes} minutes passed after the password was entered; please sign in again.',
  },
  'identity.session_not_found': { zh: '会话不存在或已结束', en: 'Session not found or already ended' },
  'identity.session_reason_invalid': {
    zh: '结束会话的原因不符合要求',
    en: 'The reason for ending the session is not valid',
  },
  'identity.session_reason_invalid.detail': FIELDS_DETAIL,
  'identity.account_not_found': { zh: '账号不存在', en: 'Account not found' },
  'identity.account_not_found.detail': {
    zh: '该人员还没有登录账号。',
    en: 'This person has no sign-in account yet.',
  },
  'identity.account_exists': { zh: '账号已存在', en: 'The account already exists' },
  'identity.account_exists.detail': {
    zh: '该人员已有登录账号；如忘记密码，请由管理员重置。',
    en: 'This person already has a sign-in account.',
  },
  'identity.account_invalid': { zh: '账号信息不符合要求', en: 'The account is not valid' },
  'identity.account_invalid.detail': FIELDS_DETAIL,
  'identity.person_not_active': { zh: '人员不在职', en: 'The person is not active' },
  'identity.person_not_active.detail': {
    zh: '该人员当前状态为停职或离职，不能开设账号。',
    en: 'The person is suspended or has left and cannot be given an account.',
  },
  'identity.credential_wrong': { zh: '验证未通过', en: 'Verification failed' },
  'identity.credential_wrong.detail': {
    zh: '当前密码或动态验证码不正确，见 errors。',
    en: 'The current password or one-time code is not correct; see errors.',
  },
  'identity.totp_already_enabled': { zh: '两步验证已启用', en: 'Two-step verification is already on' },
  'identity.totp_already_enabled.detail': {
    zh: '如需更换身份验证器，请先停用两步验证再重新绑定。',
    en: 'To move to another authenticator, turn two-step verification off and enrol again.',
  },
  'identity.totp_not_pending': { zh: '没有待确认的两步验证绑定', en: 'No two-step enrolment is waiting' },
  'identity.totp_not_pending.detail': {
    zh: '请先开始绑定（POST /api/identity/v1/me/totp），再输入验证码确认。',
    en: 'Begin enrolment first (POST /api/identity/v1/me/totp), then confirm it with a code.',
  },
  'identity.totp_not_enabled': { zh: '两步验证未启用', en: 'Two-step verification is off' },
  'identity.totp_code_wrong': { zh: '动态验证码不正确', en: 'The one-time code is not correct' },
  'identity.totp_code_wrong.detail': {
    zh: '验证码不正确或已使用过。请确认手机时间准确，并输入身份验证器当前显示的验证码。',
    en: 'The code is wrong or was already used. Check the phone’s clock and enter the code the app shows now.',
  },
});
