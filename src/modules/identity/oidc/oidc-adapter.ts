/**
 * oidc-provider's storage on the platform database (either engine): sessions, grants, codes, tokens
 * and interactions in `identity.oidc_payload`, one statement per operation; the `Client` model read
 * from the registered systems (`identity.oidc_client`), a disabled system being no system at all.
 */
import type { Adapter, AdapterFactory, AdapterPayload, ClientMetadata } from 'oidc-provider';
import type { Database } from '../../../platform/db/database.js';
import type { SecretBox } from '../../../platform/secrets/secret-box.js';
import { forgetAccessTokens } from './access-token.authenticator.js';
import { CLIENT_ID_PATTERN } from './oidc-client.js';
import { selectClient } from './oidc-client.repository.js';
import { secretContext } from './oidc-client.service.js';
import {
  consumePayload,
  deleteByGrant,
  deletePayload,
  type StoredPayload,
  selectPayload,
  selectPayloadBy,
  upsertPayload,
} from './oidc-payload.repository.js';

/**
 * The adapter factory the provider is configured with.
 * @example new Provider(issuer, { adapter: databaseAdapter(database, secrets), … })
 */
export function databaseAdapter(database: Database, secrets: SecretBox): AdapterFactory {
  return (model) => (model === 'Client' ? clientAdapter(database, secrets) : payloadAdapter(database, model));
}

function payloadAdapter(database: Database, model: string): Adapter {
  const db = database.kysely;
  return {
    async upsert(id, payload, expiresIn) {
      await upsertPayload(db, {
        model,
        id,
        payload,
        grantId: stringOrNull(payload.grantId),
        userCode: stringOrNull(payload.userCode),
        uid: stringOrNull(payload.uid),
        accountId: model === 'Session' ? stringOrNull(payload.accountId) : null,
        expiresInSeconds: typeof expiresIn === 'number' ? expiresIn : null,
      });
    },
    async find(id) {
      return payloadOf(await selectPayload(db, model, id));
    },
    async findByUid(uid) {
      return payloadOf(await selectPayloadBy(db, model, 'uid', uid));
    },
    async findByUserCode(userCode) {
      return payloadOf(await selectPayloadBy(db, model, 'user_code', userCode));
    },
    // A revoked token is forgotten by the access-token authenticator once it is gone from the table.
    async consume(id) {
      await consumePayload(db, model, id);
      forgetAccessTokens({ id });
    },
    async destroy(id) {
      await deletePayload(db, model, id);
      forgetAccessTokens({ id });
    },
    async revokeByGrantId(grantId) {
      await deleteByGrant(db, model, grantId);
      forgetAccessTokens({ grantId });
    },
  };
}

function clientAdapter(database: Database, secrets: SecretBox): Adapter {
  const readOnly = async () => {
    throw new Error('registered systems are changed through the client service, not the provider');
  };
  return {
    async find(id) {
      if (!CLIENT_ID_PATTERN.test(id)) return undefined;
      const row = await selectClient(database.kysely, id);
      if (!row?.enabled) return undefined;
      const signsIn = row.grantTypes.includes('authorization_code');
      const metadata: ClientMetadata = {
        client_id: row.clientId,
        client_secret: secrets.open(row.secretSealed, secretContext(row.clientId)),
        client_name: row.nameZh,
        grant_types: row.grantTypes,
        response_types: signsIn ? ['code'] : [],
        redirect_uris: row.redirectUris,
        post_logout_redirect_uris: row.postLogoutRedirectUris,
        scope: row.scopes.join(' '),
        token_endpoint_auth_method: 'client_secret_basic',
        first_party: row.firstParty,
        ...(row.backchannelLogoutUri
          ? { backchannel_logout_uri: row.backchannelLogoutUri, backchannel_logout_session_required: true }
          : {}),
      };
      return metadata as AdapterPayload;
    },
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    upsert: readOnly,
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: readOnly,
  };
}

function payloadOf(stored: StoredPayload | undefined): AdapterPayload | undefined {
  if (!stored) return undefined;
  // oidc-provider reads "consumed" as epoch seconds in the payload.
  return stored.consumedAt
    ? { ...stored.payload, consumed: Math.floor(stored.consumedAt.getTime() / 1000) }
    : (stored.payload as AdapterPayload);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
