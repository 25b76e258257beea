/** Every string of the sign-in pages of the OpenID Provider, Chinese first. */
import { registerMessages } from '../../platform/i18n/messages.js';

registerMessages({
  'oidc.page.platform_name': { zh: '汇通统一身份认证', en: 'Huitong single sign-on' },
  'oidc.page.login.title': { zh: '登录', en: 'Sign in' },
  'oidc.page.login.intro': {
    zh: '登录后将进入“{client}”。同一浏览器中已登录的其他系统无需再次登录。',
    en: 'You are signing in to “{client}”. Other systems in this browser will not ask again.',
  },
  'oidc.page.login.login': { zh: '用户名或手机号', en: 'Username or mobile number' },
  'oidc.page.login.password': { zh: '密码', en: 'Password' },
  'oidc.page.login.submit': { zh: '登录', en: 'Sign in' },
  'oidc.page.second_factor.title': { zh: '两步验证', en: 'Two-step verification' },
  'oidc.page.second_factor.intro': {
    zh: '请输入身份验证器中的 6 位动态验证码。手机不在身边时，可改用一个恢复码。',
    en: 'Enter the 6-digit code from your authenticator app. Without your phone, use a recovery code instead.',
  },
  'oidc.page.second_factor.totp': { zh: '动态验证码', en: 'One-time code' },
  'oidc.page.second_factor.recovery': { zh: '或恢复码', en: 'Or a recovery code' },
  'oidc.page.second_factor.submit': { zh: '验证', en: 'Verify' },
  'oidc.page.consent.title': { zh: '授权', en: 'Allow access' },
  'oidc.page.consent.intro': {
    zh: '“{client}”请求获取您的以下信息：',
    en: '“{client}” asks for the following:',
  },
  'oidc.page.consent.approve': { zh: '同意', en: 'Allow' },
  'oidc.page.consent.deny': { zh: '拒绝', en: 'Deny' },
  'oidc.page.scope.openid': { zh: '确认您的身份', en: 'Confirm who you are' },
  'oidc.page.scope.profile': {
    zh: '姓名、工号、所在部门和职务',
    en: 'Your name, staff number, department and posts',
  },
  'oidc.page.scope.email': { zh: '电子邮箱', en: 'Your e-mail address' },
  'oidc.page.scope.phone': { zh: '手机号码', en: 'Your mobile number' },
  'oidc.page.scope.roles': { zh: '您在该系统中的角色', en: 'Your roles in this system' },
  'oidc.page.scope.offline_access': {
    zh: '在您退出后继续访问上述信息',
    en: 'Keep this access after you sign out',
  },
  'oidc.page.logout.title': { zh: '退出登录', en: 'Sign out' },
  'oidc.page.logout.intro': {
    zh: '是否同时退出汇通平台及所有已登录的系统？',
    en: 'Sign out of the platform and every system you are signed in to?',
  },
  'oidc.page.logout.intro_client': {
    zh: '您正在退出“{client}”。是否同时退出汇通平台及所有已登录的系统？',
    en: 'You are signing out of “{client}”. Sign out of the platform and every system you are signed in to as well?',
  },
  'oidc.page.logout.everywhere': { zh: '全部退出', en: 'Sign out everywhere' },
  'oidc.page.logout.only_client': { zh: '只退出该系统', en: 'Only this system' },
  'oidc.page.logged_out.title': { zh: '已退出', en: 'Signed out' },
  'oidc.page.logged_out.body': {
    zh: '您已安全退出。可以关闭此页面。',
    en: 'You are signed out. You may close this page.',
  },
  'oidc.page.error.title': { zh: '无法完成登录', en: 'Sign-in could not be completed' },
  'oidc.page.error.interaction_expired': {
    zh: '登录步骤已过期或已在其他窗口完成。请回到原系统重新登录。',
    en: 'This sign-in step has expired or was finished in another window. Go back to the system and sign in again.',
  },
  'oidc.page.error.other': {
    zh: '接入系统发来的登录请求无效（{error}）。请联系该系统的管理员。',
    en: 'The system sent a sign-in request that is not valid ({error}). Please tell its administrators.',
  },
});
