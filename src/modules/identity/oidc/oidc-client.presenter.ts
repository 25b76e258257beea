/** Registered systems → the API's shape: dates as ISO strings, never the secret. */
import type { ClientWithSecret, RegisteredClient } from './oidc-client.js';
import type { ClientView, ClientWithSecretView } from './oidc-client.schema.js';

export function presentClient(client: RegisteredClient): ClientView {
  return {
    clientId: client.clientId,
    nameZh: client.nameZh,
    nameEn: client.nameEn,
    ownerOrgUnitCode: client.ownerOrgUnitCode,
    redirectUris: client.redirectUris,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    backchannelLogoutUri: client.backchannelLogoutUri,
    grantTypes: client.grantTypes,
    scopes: client.scopes,
    firstParty: client.firstParty,
    enabled: client.enabled,
    createdAt: client.createdAt.toISOString(),
    updatedAt: client.updatedAt.toISOString(),
  };
}

export function presentClientWithSecret(result: ClientWithSecret): ClientWithSecretView {
  return { client: presentClient(result.client), clientSecret: result.clientSecret };
}
