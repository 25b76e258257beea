/** Sessions as the API shows them: dates as ISO text, the address reduced to its network. */
import type { SessionView } from './identity-account.schema.js';
import type { SessionInfo } from './session.js';

/**
 * One session for a list; `currentId` marks the caller's own.
 * @example presentSession(session, request.principal?.sessionId);
 */
export function presentSession(session: SessionInfo, currentId: string | undefined): SessionView {
  return {
    id: session.id,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    ip: maskIp(session.ip),
    userAgent: session.userAgent,
    secondFactor: session.secondFactor,
    current: session.id === currentId,
  };
}

/**
 * An address as a list shows it: enough to tell the office from a home (the /24 of IPv4, the /48 of
 * IPv6), not the machine.
 * @example maskIp('203.0.113.57'); // '203.0.113.*'
 */
export function maskIp(ip: string | null): string | null {
  if (!ip) return null;
  const v4 = /^(?:::ffff:)?(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$/i.exec(ip);
  if (v4) return `${v4[1]}.*`;
  if (ip.includes(':')) return `${ip.split(':').slice(0, 3).join(':')}:*`;
  return '*';
}
