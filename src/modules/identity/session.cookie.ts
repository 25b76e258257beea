/**
 * The session cookie on the wire (RFC 6265). HttpOnly: no script reads it, so an injected script
 * cannot carry the session away. SameSite=Lax: a cross-site form post or fetch does not send it
 * (a top-level link still does, so following a link into the platform keeps one signed in). Secure
 * whenever the platform is served over https. No Max-Age: the browser forgets it when it closes, and
 * the server ends it on its own clock anyway (session.ts).
 */
import { SESSION_COOKIE } from './session.js';

/**
 * The Set-Cookie value that hands a browser its session token.
 * @example reply.header('set-cookie', sessionCookie(token, { secure: publicUrl.startsWith('https:') }));
 */
export function sessionCookie(token: string, options: { secure: boolean }): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax${options.secure ? '; Secure' : ''}`;
}

/**
 * The Set-Cookie value that makes a browser forget its session token.
 * @example reply.header('set-cookie', clearedSessionCookie({ secure: false }));
 */
export function clearedSessionCookie(options: { secure: boolean }): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${options.secure ? '; Secure' : ''}`;
}

/**
 * One cookie's value from a Cookie header (RFC 6265 §5.4); undefined when absent. The platform has no
 * cookie plugin, and reading one name needs none.
 * @example cookieValue('a=1; huitong_session=xyz', 'huitong_session'); // 'xyz'
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}
