/** People for tests: an actor, and person inputs with HR and mobile numbers unique within a test file. */
import type { Actor, PersonInput } from '../../src/modules/directory/index.js';

export const TEST_ACTOR: Actor = { type: 'user', id: 'test-user-1' };

let sequence = 0;

/**
 * An active person with a fresh HR number (`TS000001`…) and a fictional mobile (`1990001xxxx`).
 * @example makePerson({ email: 'a@example.gov.cn' })
 */
export function makePerson(overrides: Partial<PersonInput> = {}): PersonInput {
  sequence += 1;
  const number = String(sequence).padStart(4, '0');
  return {
    staffNo: `TS00${number}`,
    name: `测试人员${number}`,
    mobile: `1990001${number}`,
    statusFrom: '2024-01-01',
    ...overrides,
  };
}
