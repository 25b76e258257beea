import { describe, expect, it } from 'vitest';
import { ScimError } from './scim-error.js';
import { parseFilter } from './scim-filter.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('parseFilter', () => {
  it('keeps precedence: and binds tighter than or, not applies to its whole group', () => {
    expect(parseFilter('userName eq "a" or userName eq "b" and active eq true', USER)).toEqual({
      op: 'or',
      left: { op: 'compare', path: 'username', operator: 'eq', value: 'a' },
      right: {
        op: 'and',
        left: { op: 'compare', path: 'username', operator: 'eq', value: 'b' },
        right: { op: 'compare', path: 'active', operator: 'eq', value: true },
      },
    });
    expect(parseFilter('not (userName eq "a" or userName eq "b")', USER)).toEqual({
      op: 'not',
      expr: {
        op: 'or',
        left: { op: 'compare', path: 'username', operator: 'eq', value: 'a' },
        right: { op: 'compare', path: 'username', operator: 'eq', value: 'b' },
      },
    });
  });

  it('reads operators, booleans and the core schema URN case-insensitively, and JSON string escapes', () => {
    expect(parseFilter(`${USER}:UserName EQ "a\\"b"`, USER)).toEqual({
      op: 'compare',
      path: 'username',
      operator: 'eq',
      value: 'a"b',
    });
    expect(parseFilter('active eq True', USER)).toMatchObject({ value: true });
  });

  it('parses value paths and presence', () => {
    expect(parseFilter('emails[type eq "work"].value ew "@example.gov.cn"', USER)).toMatchObject({
      op: 'valuePath',
      path: 'emails',
    });
    expect(parseFilter('title pr', USER)).toEqual({ op: 'present', path: 'title' });
  });

  it.each([
    'userName eq',
    'userName xx "a"',
    'userName eq "a" or',
    '(userName eq "a"',
    'userName eq "a" )',
    'userName eq "unterminated',
    '',
  ])('refuses %j with invalidFilter', (text) => {
    let caught: unknown;
    try {
      parseFilter(text, USER);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScimError);
    expect((caught as ScimError).scimType).toBe('invalidFilter');
  });
});
