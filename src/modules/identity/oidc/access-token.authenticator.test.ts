import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.js';
import { secretBox } from '../../../platform/secrets/secret-box.js';
import { accessTokenAuthenticator, forgetAccessTokens } from './access-token.authenticator.js';
import { databaseAdapter } from './oidc-adapter.js';

let test: TestDatabase;
const tokenId = () => randomBytes(32).toString('base64url'); // 43 characters, as the provider's
const request = (token: string) =>
  ({ headers: { authorization: `Bearer ${token}` }, url: '/api/exchange/v1/messages' }) as unknown as FastifyRequest;
const outcome = (work: Promise<unknown>) =>
  work.then(
    (principal) => principal,
    (error: { code?: string }) => error.code,
  );

beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test.drop());

async function issue(clientId: string, grantId: string): Promise<string> {
  const id = tokenId();
  const adapter = databaseAdapter(test.database, secretBox(randomBytes(32)))('ClientCredentials');
  await adapter.upsert(id, { clientId, scope: 'exchange', grantId }, 600);
  return id;
}

describe('the access-token authenticator', () => {
  it('takes a live token, remembered, and refuses it at once once the provider destroys it', async () => {
    const authenticate = accessTokenAuthenticator({ database: test.database });
    const token = await issue('gaj-rkxt', 'grant-1');
    const principal = { kind: 'client', id: 'gaj-rkxt', scopes: ['exchange'], via: 'access_token' };
    expect(await authenticate(request(token))).toEqual(principal);
    expect(await authenticate(request(token))).toEqual(principal);
    await databaseAdapter(test.database, secretBox(randomBytes(32)))('ClientCredentials').destroy(token);
    expect(await outcome(authenticate(request(token)))).toBe('identity.token_invalid');
  });

  it('refuses at once the tokens of a revoked grant and of a disabled client', async () => {
    const authenticate = accessTokenAuthenticator({ database: test.database });
    const byGrant = await issue('gaj-rkxt', 'grant-2');
    const byClient = await issue('mz-jzxt', 'grant-3');
    await authenticate(request(byGrant));
    await authenticate(request(byClient));
    await databaseAdapter(test.database, secretBox(randomBytes(32)))('ClientCredentials').revokeByGrantId('grant-2');
    expect(await outcome(authenticate(request(byGrant)))).toBe('identity.token_invalid');
    // What disabling a client does: its rows go, and the process forgets its tokens.
    await sql`delete from identity.oidc_payload where payload->>'clientId' = 'mz-jzxt'`.execute(test.database.kysely);
    forgetAccessTokens({ clientId: 'mz-jzxt' });
    expect(await outcome(authenticate(request(byClient)))).toBe('identity.token_invalid');
  });

  it('never remembers an unknown or expired token', async () => {
    const authenticate = accessTokenAuthenticator({ database: test.database });
    const token = tokenId();
    expect(await outcome(authenticate(request(token)))).toBe('identity.token_invalid');
    const adapter = databaseAdapter(test.database, secretBox(randomBytes(32)))('ClientCredentials');
    await adapter.upsert(token, { clientId: 'gaj-rkxt', scope: 'exchange' }, 600);
    expect(await authenticate(request(token))).toMatchObject({ id: 'gaj-rkxt' });
  });
});
