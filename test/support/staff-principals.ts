/**
 * Staff principals for HTTP tests, until sign-in lands: an authenticator that takes the staff id from
 * a test header, so a test can call the API as any staff member its policy knows.
 */
import type { Authenticator } from '../../src/platform/http/authentication.js';

export const TEST_STAFF_HEADER = 'x-test-staff';

/** Recognises `x-test-staff: <id>` as a signed-in staff member with that id. */
export const testStaffAuthenticator: Authenticator = async (request) => {
  const id = request.headers[TEST_STAFF_HEADER];
  return typeof id === 'string' && id !== '' ? { kind: 'staff', id, via: 'test' } : null;
};

/**
 * Headers that sign a request in as the staff member `id`.
 * @example app.inject({ url: '/api/directory/v1/people', headers: asStaff('admin-d01') })
 */
export function asStaff(id: string, headers: Record<string, string> = {}): Record<string, string> {
  return { ...headers, [TEST_STAFF_HEADER]: id };
}
