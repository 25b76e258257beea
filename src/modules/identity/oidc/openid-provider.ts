/**
 * The platform as OpenID Provider for the district's office systems, on oidc-provider 9.
 *
 * Everything the provider keeps lives in the database (oidc-adapter.ts), so the Provider object itself
 * is disposable: when the keys change it is rebuilt from them and swapped in one assignment, and a
 * request in flight finishes on the instance it started on. A process notices another's rotation by
 * polling a fingerprint of the key set (one small query) every `pollIntervalMs`; its own rotations
 * take effect at once. The same timer advances rotations and prunes expired rows.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Configuration,
  type InteractionResults,
  interactionPolicy,
  type KoaContextLike,
  Provider,
} from 'oidc-provider';
import type { Database } from '../../../platform/db/database.js';
import type { SecretBox } from '../../../platform/secrets/secret-box.js';
import { clearedSessionCookie, cookieValue } from '../session.cookie.js';
import { SESSION_COOKIE } from '../session.js';
import { endSessionByToken, sessionFromToken } from '../session.service.js';
import { findAccount, type RolesOf } from './oidc-account.js';
import { databaseAdapter } from './oidc-adapter.js';
import { CLIENT_SCOPES } from './oidc-client.js';
import {
  ACCESS_TOKEN_TTL_S,
  AUTHORIZATION_CODE_TTL_S,
  CLIENT_CREDENTIALS_TTL_S,
  GRANT_TTL_S,
  ID_TOKEN_TTL_S,
  INTERACTION_TTL_S,
  OFFLINE_REFRESH_TOKEN_TTL_S,
  REFRESH_TOKEN_TTL_S,
  SESSION_TTL_S,
} from './oidc-lifetimes.js';
import type { OidcPageRequest, OidcPages } from './oidc-pages.js';
import { pruneExpired } from './oidc-payload.repository.js';
import {
  advanceSigningKeys,
  ensureSigningKeys,
  type KeyMaterial,
  loadKeyMaterial,
  rotateSigningKeys,
  signingKeysVersion,
} from './oidc-signing-key.service.js';

/** Where the provider's endpoints live, under the issuer (the platform's public URL). */
export const OIDC_ROUTES = {
  authorization: '/oidc/auth',
  backchannel_authentication: '/oidc/backchannel',
  challenge: '/oidc/challenge',
  code_verification: '/oidc/device',
  credential: '/oidc/credential',
  device_authorization: '/oidc/device/auth',
  end_session: '/oidc/session/end',
  introspection: '/oidc/token/introspection',
  jwks: '/oidc/jwks',
  pushed_authorization_request: '/oidc/request',
  registration: '/oidc/reg',
  revocation: '/oidc/token/revocation',
  token: '/oidc/token',
  userinfo: '/oidc/me',
} as const;

/** The path of the sign-in page of one interaction (src/web/signin/oidc-interaction.routes.ts). */
export const INTERACTION_PATH_PREFIX = '/signin/oidc/';

/** The claims each scope releases (docs/oidc.md). */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  // How and when the person signed in: relying parties decide on it (e.g. ask for TOTP with prompt=login).
  openid: ['sub', 'amr', 'auth_time'],
  profile: ['name', 'preferred_username', 'org_unit', 'posts'],
  email: ['email'],
  phone: ['phone_number'],
  roles: ['roles'],
};

export interface OidcLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface OpenIdProviderDeps {
  database: Database;
  secrets: SecretBox;
  /** The issuer: the platform's public URL, without a trailing slash. */
  issuer: string;
  rolesOf: RolesOf;
  pages: OidcPages;
  logger?: OidcLogger | undefined;
}

export interface OpenIdProviderOptions {
  /** How often to look for key changes made elsewhere and advance rotations. */
  pollIntervalMs?: number;
  /** How often to delete expired rows. */
  pruneIntervalMs?: number;
}

interface Built {
  provider: Provider;
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  version: string;
}

const PLATFORM_SESSION_ENDED = 'platform_session_ended';

export class OpenIdProvider {
  readonly #deps: OpenIdProviderDeps;
  readonly #pollIntervalMs: number;
  readonly #pruneIntervalMs: number;
  readonly #logger: OidcLogger;
  #built: Built | undefined;
  #timer: NodeJS.Timeout | undefined;
  #maintaining: Promise<void> | undefined;
  #lastPruneAt = 0;
  readonly #background = new Set<Promise<void>>();

  private constructor(deps: OpenIdProviderDeps, options: OpenIdProviderOptions) {
    this.#deps = deps;
    this.#pollIntervalMs = options.pollIntervalMs ?? 30_000;
    this.#pruneIntervalMs = options.pruneIntervalMs ?? 10 * 60_000;
    this.#logger = deps.logger ?? console;
  }

  /**
   * Creates the first keys if there are none, builds the provider and starts the maintenance timer
   * (unref'd: it never keeps the process alive). `close` stops it.
   * @example const oidc = await OpenIdProvider.open({ database, secrets, issuer: config.publicUrl, rolesOf, pages });
   */
  static async open(deps: OpenIdProviderDeps, options: OpenIdProviderOptions = {}): Promise<OpenIdProvider> {
    const oidc = new OpenIdProvider(deps, options);
    await ensureSigningKeys(deps.database.kysely, deps.secrets);
    await oidc.reload();
    oidc.#timer = setInterval(() => {
      oidc.#maintaining ??= oidc.maintain().finally(() => {
        oidc.#maintaining = undefined;
      });
    }, oidc.#pollIntervalMs);
    oidc.#timer.unref();
    return oidc;
  }

  /** The provider instance serving now. */
  get provider(): Provider {
    if (!this.#built) throw new Error('the OpenID Provider is closed');
    return this.#built.provider;
  }

  get issuer(): string {
    return this.#deps.issuer;
  }

  /**
   * Serves one request with the current provider instance.
   * @example await oidc.handle(request.raw, reply.raw);
   */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.#built) throw new Error('the OpenID Provider is closed');
    return this.#built.handle(req, res);
  }

  /** Rebuilds the provider from the keys in the database and swaps it in. */
  async reload(): Promise<void> {
    const material = await loadKeyMaterial(this.#deps.database.kysely, this.#deps.secrets);
    this.#built = this.#build(material);
  }

  /**
   * Starts a key rotation (see oidc-signing-key.service.ts) and serves the new key set at once.
   * @example await oidc.rotateKeys({ immediate: true });
   */
  async rotateKeys(options: { immediate?: boolean } = {}): Promise<string[]> {
    const kids = await rotateSigningKeys(this.#deps.database.kysely, this.#deps.secrets, options);
    await this.reload();
    return kids;
  }

  /** One round of the timer's work: advance rotations, pick up others' key changes, prune now and then. */
  async maintain(now: Date = new Date()): Promise<void> {
    const db = this.#deps.database.kysely;
    try {
      await advanceSigningKeys(db, { now });
      if ((await signingKeysVersion(db)) !== this.#built?.version) await this.reload();
      if (now.getTime() - this.#lastPruneAt >= this.#pruneIntervalMs) {
        this.#lastPruneAt = now.getTime();
        await pruneExpired(db);
      }
    } catch (error) {
      this.#logger.error({ err: error }, 'OpenID Provider maintenance failed');
    }
  }

  /**
   * Runs `work` once the current task has finished (e.g. a delivery transaction has committed), and
   * keeps track of it so `idle` and `close` can wait for it. Failures are the work's own to log.
   * @example oidc.afterwards(() => sendBackchannelLogouts(oidc, personId, notices));
   */
  afterwards(work: () => Promise<void>): void {
    const running: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((error: unknown) => this.#logger.error({ err: error }, 'OpenID Provider background work failed'))
      .finally(() => this.#background.delete(running));
    this.#background.add(running);
  }

  /** Resolves when the work handed to `afterwards` so far has finished. */
  async idle(): Promise<void> {
    while (this.#background.size > 0) await Promise.all([...this.#background]);
  }

  /** Stops the timer, waiting for a round and background work in progress. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#maintaining;
    await this.idle();
    this.#built = undefined;
  }

  /**
   * Ends a finished interaction: stores the result and returns the address to send the browser on
   * to (the provider's resume endpoint).
   * @example reply.redirect(await oidc.finishInteraction(request.raw, reply.raw, { login: { accountId } }), 303);
   */
  finishInteraction(req: IncomingMessage, res: ServerResponse, result: InteractionResults): Promise<string> {
    return this.provider.interactionResult(req, res, result, { mergeWithLastSubmission: true });
  }

  #build(material: KeyMaterial): Built {
    const { database, issuer, rolesOf, pages, secrets } = this.#deps;
    const provider = new Provider(
      issuer,
      this.#configuration(material, databaseAdapter(database, secrets), rolesOf, pages),
    );
    // Behind the load balancer: the protocol and host come from X-Forwarded-*.
    provider.proxy = true;
    provider.on('server_error', (_ctx, error) => this.#logger.error({ err: error }, 'OpenID Provider error'));
    provider.on('backchannel.error', (_ctx, error, client) =>
      this.#logger.warn(
        { err: error, clientId: (client as { clientId?: string })?.clientId },
        'back-channel logout failed',
      ),
    );
    // RP-initiated logout that signs the person out everywhere ends the platform session too.
    provider.use(async (ctx, next) => {
      await next();
      const context = ctx as KoaContextLike & { append(name: string, value: string): void };
      if (context.oidc?.route !== 'end_session_confirm' || context.status !== 303 || !context.oidc.params?.logout)
        return;
      const token = platformSessionToken(context);
      if (!token) return;
      await endSessionByToken(database.kysely, token, 'oidc_logout');
      context.append('set-cookie', clearedSessionCookie({ secure: issuer.startsWith('https:') }));
    });
    return { provider, handle: provider.callback(), version: material.version };
  }

  #configuration(
    material: KeyMaterial,
    adapter: ReturnType<typeof databaseAdapter>,
    rolesOf: RolesOf,
    pages: OidcPages,
  ): Configuration {
    const database = this.#deps.database;
    const policy = interactionPolicy.base();
    // Single sign-on rides on the platform session: when it has ended (signed out, idle, revoked), the
    // provider's own session no longer counts and the person signs in again.
    policy.get('login')?.checks.add(
      new interactionPolicy.Check(
        PLATFORM_SESSION_ENDED,
        'the platform session has ended',
        'login_required',
        async (ctx: KoaContextLike) => {
          const accountId = ctx.oidc.session.accountId;
          if (!accountId || ctx.oidc.result?.login) return false;
          const token = platformSessionToken(ctx);
          const session = token ? await sessionFromToken(database.kysely, token) : null;
          return !(session && session.subjectKind === 'staff' && session.subjectId === accountId);
        },
      ),
    );
    return {
      adapter,
      jwks: { keys: material.jwks },
      cookies: {
        keys: material.cookieKeys,
        names: { session: 'huitong_oidc', interaction: 'huitong_oidc_interaction', resume: 'huitong_oidc_resume' },
        long: { httpOnly: true, sameSite: 'lax', signed: true },
        short: { httpOnly: true, sameSite: 'lax', signed: true },
      },
      routes: OIDC_ROUTES,
      scopes: CLIENT_SCOPES,
      // oidc-provider's own standalone claims, then what each scope releases.
      claims: { acr: null, iss: null, sid: null, ...SCOPE_CLAIMS },
      responseTypes: ['code'],
      clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
      extraClientMetadata: { properties: ['first_party'] },
      pkce: { required: () => true },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        introspection: { enabled: true },
        revocation: { enabled: true },
        userinfo: { enabled: true },
        backchannelLogout: { enabled: true },
        resourceIndicators: { enabled: false },
        pushedAuthorizationRequests: { enabled: false },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: async (ctx: PageContext) => {
            const session = ctx.oidc.session as unknown as { state?: { secret?: string } };
            const client = ctx.oidc.client;
            allowFormTarget(ctx, (ctx.oidc.params?.post_logout_redirect_uri as string | undefined) ?? null);
            ctx.type = 'html';
            ctx.body = pages.logout(pageRequest(ctx), {
              action: ctx.oidc.urlFor('end_session_confirm'),
              xsrf: session.state?.secret ?? '',
              clientName: client?.clientName ?? null,
            });
          },
          postLogoutSuccessSource: async (ctx: PageContext) => {
            ctx.type = 'html';
            ctx.body = pages.loggedOut(pageRequest(ctx), { clientName: ctx.oidc.client?.clientName ?? null });
          },
        },
      },
      renderError: async (ctx: PageContext, out: { error: string; error_description?: string }) => {
        ctx.type = 'html';
        ctx.body = pages.error(pageRequest(ctx), { error: out.error, description: out.error_description ?? null });
      },
      ttl: {
        AccessToken: ACCESS_TOKEN_TTL_S,
        AuthorizationCode: AUTHORIZATION_CODE_TTL_S,
        ClientCredentials: CLIENT_CREDENTIALS_TTL_S,
        IdToken: ID_TOKEN_TTL_S,
        Interaction: INTERACTION_TTL_S,
        Session: SESSION_TTL_S,
        Grant: GRANT_TTL_S,
        RefreshToken: (_ctx: unknown, token: { scopes: Set<string> }) =>
          token.scopes.has('offline_access') ? OFFLINE_REFRESH_TOKEN_TTL_S : REFRESH_TOKEN_TTL_S,
      },
      // Every system allowed the refresh_token grant gets one; it is rotated on each use.
      issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
        client.grantTypeAllowed('refresh_token'),
      rotateRefreshToken: true,
      // oidc-provider refuses to call private and loopback addresses (SSRF protection for dynamically
      // registered clients). Here every URI it calls (back-channel logout) was registered by an
      // administrator, and the district's systems live on its internal network: call them directly.
      fetch: (url: string, options: RequestInit & { dispatcher?: unknown }) => {
        const { dispatcher: _ssrfGuard, ...rest } = options;
        return globalThis.fetch(url, rest);
      },
      findAccount: (ctx: KoaContextLike | undefined, sub: string) => findAccount(database.kysely, rolesOf, ctx, sub),
      loadExistingGrant,
      interactions: {
        policy,
        url: async (_ctx: unknown, interaction: { uid: string }) => `${INTERACTION_PATH_PREFIX}${interaction.uid}`,
      },
    };
  }
}

type PageContext = KoaContextLike & {
  oidc: KoaContextLike['oidc'] & { urlFor(name: string): string };
  set(name: string, value: string): void;
  response: { get(name: string): string };
};

/**
 * The grant a sign-in continues with. A first-party system (the platform's own or the district's)
 * gets every scope it asks for, within those it is registered for, without a consent page.
 */
async function loadExistingGrant(ctx: KoaContextLike) {
  const { oidc } = ctx;
  const client = oidc.client;
  if (!client) return undefined;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(client.clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (!client.metadata().first_party || !oidc.session.accountId) return existing;
  const grant = existing ?? new oidc.provider.Grant({ accountId: oidc.session.accountId, clientId: client.clientId });
  grant.addOIDCScope([...oidc.requestParamScopes].join(' '));
  if (oidc.requestParamClaims.size > 0) grant.addOIDCClaims([...oidc.requestParamClaims]);
  await grant.save();
  return grant;
}

/** The platform session cookie (not one of the provider's signed cookies, so read from the header). */
function platformSessionToken(ctx: KoaContextLike): string | undefined {
  const header = ctx.headers.cookie;
  return cookieValue(Array.isArray(header) ? header.join('; ') : header, SESSION_COOKIE);
}

function pageRequest(ctx: KoaContextLike): OidcPageRequest {
  const header = (name: string) => {
    const value = ctx.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const uiLocales = ctx.oidc.params?.ui_locales;
  return {
    acceptLanguage: header('accept-language'),
    cookie: header('cookie'),
    uiLocales: typeof uiLocales === 'string' ? uiLocales : undefined,
  };
}

/**
 * Lets the page's form lead to `target`'s origin: browsers apply CSP `form-action` to the redirects
 * that follow a form post, and after the logout confirmation the browser is sent back to the system.
 */
function allowFormTarget(ctx: PageContext, target: string | null): void {
  const csp = ctx.response.get('content-security-policy');
  if (!csp || !target) return;
  let origin: string;
  try {
    origin = new URL(target).origin;
  } catch {
    return;
  }
  ctx.set(
    'content-security-policy',
    csp.replace(/form-action ([^;]*)/, (_whole, sources: string) => `form-action ${sources} ${origin}`),
  );
}
