/** The OpenID Provider's messages: its errors and the key command's output, Chinese first. */
import { registerMessages } from '../../../platform/i18n/messages.js';

const FIELDS_DETAIL = {
  zh: '有 {count} 处不符合要求，见 errors。',
  en: '{count} field(s) failed validation; see errors.',
};

registerMessages({
  'identity.client_invalid': { zh: '接入系统的登记信息不符合要求', en: 'The system registration is not valid' },
  'identity.client_invalid.detail': FIELDS_DETAIL,
  'identity.client_not_found': { zh: '接入系统不存在', en: 'System not found' },
  'identity.client_not_found.detail': {
    zh: '没有标识为 {clientId} 的接入系统。',
    en: 'There is no registered system with id {clientId}.',
  },
  'identity.token_invalid': { zh: '访问令牌无效', en: 'The access token is not valid' },
  'identity.token_invalid.detail': {
    zh: '访问令牌不存在、已过期或已被撤销，请重新获取。',
    en: 'The access token is unknown, expired or revoked: obtain a new one.',
  },
  'identity.oidc_keys.listed': {
    zh: '{count} 个密钥',
    en: '{count} key(s)',
  },
  'identity.oidc_keys.rotated': {
    zh: '已生成新密钥：{kids}。新签名密钥先在 JWKS 中公布，{leadMinutes} 分钟后开始签名；旧密钥继续公布至其签发的令牌全部过期。',
    en: 'New keys: {kids}. A new signing key is published in the JWKS first and starts signing after {leadMinutes} minutes; the old one stays published until what it signed has expired.',
  },
  'identity.oidc_keys.rotated_now': {
    zh: '已生成并立即启用新密钥：{kids}。旧密钥继续公布至其签发的令牌全部过期。',
    en: 'New keys, signing at once: {kids}. The old ones stay published until what they signed has expired.',
  },
});
