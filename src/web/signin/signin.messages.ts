/** Every string of the staff sign-in page, Chinese first. Error texts come from the identity module's catalogue. */
import { registerMessages } from '../../platform/i18n/messages.js';

registerMessages({
  'signin.title': { zh: '工作人员登录', en: 'Staff sign-in' },
  'signin.lead': {
    zh: '请使用工号（或登记的手机号）和密码登录汇通工作台。',
    en: 'Sign in to the Huitong workbench with your staff number (or registered mobile number) and password.',
  },
  'signin.login': { zh: '用户名或手机号', en: 'Username or mobile number' },
  'signin.login.hint': { zh: '用户名默认为工号。', en: 'Your username is your staff number unless told otherwise.' },
  'signin.password': { zh: '密码', en: 'Password' },
  'signin.submit': { zh: '登录', en: 'Sign in' },
  'signin.code.title': { zh: '两步验证', en: 'Two-step verification' },
  'signin.code.lead': {
    zh: '请打开手机上的身份验证器，输入显示的 6 位动态验证码。手机不在身边时，可输入一个恢复码。',
    en: 'Open the authenticator app on your phone and enter the 6-digit code it shows. Without your phone, enter one of your recovery codes.',
  },
  'signin.code': { zh: '动态验证码或恢复码', en: 'Code or recovery code' },
  'signin.code.submit': { zh: '验证', en: 'Verify' },
  'signin.code.restart': { zh: '重新输入密码', en: 'Start again with the password' },
  'signin.error.heading': { zh: '登录未成功', en: 'You are not signed in' },
  'signin.error.missing': { zh: '请填写用户名和密码。', en: 'Enter your username and password.' },
  'signin.error.missing_code': { zh: '请输入验证码。', en: 'Enter the code.' },
  'signin.help': {
    zh: '忘记密码或账号被锁定，请联系本单位的系统管理员。',
    en: 'Forgotten your password or locked out? Ask your unit’s system administrator.',
  },
  'signin.error.cross_site': {
    zh: '登录请求必须来自本站页面。',
    en: 'Sign-in requests must come from this site’s own page.',
  },
});
