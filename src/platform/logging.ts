/**
 * What never reaches a log line: credentials, and personal data (identity numbers, names, phones,
 * addresses) wherever a module puts it in a logged object. Paths are pino redaction paths.
 */
const SECRET_KEYS = ['password', 'secret', 'token', 'accessToken', 'refreshToken', 'clientSecret'];
const PERSONAL_KEYS = ['idNumber', 'identityNumber', 'personName', 'fullName', 'phone', 'mobile', 'address', 'email'];

export const logRedactPaths: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...[...SECRET_KEYS, ...PERSONAL_KEYS].flatMap((key) => [key, `*.${key}`]),
];
