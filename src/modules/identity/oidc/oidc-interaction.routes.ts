/**
 * The sign-in at a system, under /signin/oidc/<uid> (the provider's `interactions.url`):
 * - single sign-on: a browser that carries a live platform session (the workbench's cookie) is
 *   signed in to the system at once, unless the system asked for `prompt=login` or a `max_age` the
 *   session is older than;
 * - otherwise the sign-in form (login and password, then a TOTP or recovery code when the account has
 *   one); a successful sign-in also opens the platform session, so the workbench is signed in too;
 * - the consent page, for systems that are not first-party.
 * The pages themselves come from the web layer (`InteractionPages`). Forms post
 * application/x-www-form-urlencoded, parsed in this plugin only. The interaction cookie is bound to
 * this path and SameSite=Lax, so a form posted from another site finds no interaction.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type Interaction, errors as oidcErrors } from 'oidc-provider';
import type { Database } from '../../../platform/db/database.js';
import { DomainError, RateLimitedError } from '../../../platform/errors.js';
import type { SecretBox } from '../../../platform/secrets/secret-box.js';
import { cookieValue, sessionCookie } from '../session.cookie.js';
import { SESSION_COOKIE } from '../session.js';
import { openSession, sessionFromToken } from '../session.service.js';
import { authenticateStaff, authenticateStaffSecondFactor } from '../sign-in.service.js';
import type { InteractionPages, OidcPageRequest, PageProblem } from './oidc-pages.js';
import { INTERACTION_PATH_PREFIX, type OpenIdProvider } from './openid-provider.js';

type Form = Record<string, string>;

interface UidParams {
  uid: string;
}

/** Reasons of the login prompt that a live platform session cannot answer: the system wants a fresh sign-in. */
const FRESH_SIGN_IN_REASONS = new Set(['login_prompt', 'id_token_hint']);
const MAX_FIELD_LENGTH = 1000;

/**
 * The sign-in pages' HTTP routes, for `runtime.routes`.
 * @example runtime.routes.push(oidcInteractionRoutes({ oidc, database, secrets, pages: oidcSignInPages }));
 */
export function oidcInteractionRoutes(deps: {
  oidc: OpenIdProvider;
  database: Database;
  secrets: SecretBox;
  pages: InteractionPages;
}): FastifyPluginAsync {
  const { oidc, database, secrets, pages } = deps;
  const secure = oidc.issuer.startsWith('https:');

  return async (instance) => {
    instance.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_request, body, done) => {
        const form: Form = {};
        for (const [name, value] of new URLSearchParams(String(body))) form[name] = value.slice(0, MAX_FIELD_LENGTH);
        done(null, form);
      },
    );
    const hidden = { schema: { hide: true } };

    instance.get<{ Params: UidParams }>(`${INTERACTION_PATH_PREFIX}:uid`, hidden, async (request, reply) => {
      const interaction = await interactionOf(request, reply);
      if (!interaction) return;
      const clientName = await clientNameOf(interaction);
      if (interaction.prompt.name === 'login') {
        const fresh = interaction.prompt.reasons.some((reason) => FRESH_SIGN_IN_REASONS.has(reason));
        const token = cookieValue(request.headers.cookie, SESSION_COOKIE);
        const session = !fresh && token ? await sessionFromToken(database.kysely, token) : null;
        // max_age (OpenID Connect Core §3.1.2.1): the platform session counts only if it began recently enough.
        const maxAge = Number(interaction.params.max_age);
        const recent = !Number.isFinite(maxAge) || Date.now() - (session?.createdAt.getTime() ?? 0) <= maxAge * 1000;
        if (session?.subjectKind === 'staff' && recent) {
          return finish(request, reply, {
            login: {
              accountId: session.subjectId,
              amr: session.secondFactor ? ['pwd', 'otp'] : ['pwd'],
              ts: Math.floor(session.createdAt.getTime() / 1000),
            },
          });
        }
        return page(
          reply,
          interaction,
          pages.login(pageRequestOf(request, interaction), {
            action: actionOf(interaction, 'login'),
            clientName,
            login: '',
            problem: null,
          }),
        );
      }
      if (interaction.prompt.name === 'consent') {
        return page(
          reply,
          interaction,
          pages.consent(pageRequestOf(request, interaction), {
            action: actionOf(interaction, 'consent'),
            clientName,
            scopes: interaction.prompt.details.missingOIDCScope ?? [],
          }),
        );
      }
      return finish(request, reply, { error: 'interaction_required', error_description: 'unsupported prompt' });
    });

    instance.post<{ Params: UidParams; Body: Form }>(
      `${INTERACTION_PATH_PREFIX}:uid/login`,
      hidden,
      async (request, reply) => {
        const interaction = await interactionOf(request, reply);
        if (!interaction) return;
        const form = formOf(request);
        const login = form.login ?? '';
        try {
          const result = await authenticateStaff(
            database,
            { secrets },
            { login, password: form.password ?? '', ip: request.ip },
          );
          if (result.status === 'second_factor_required') {
            return page(
              reply,
              interaction,
              pages.secondFactor(pageRequestOf(request, interaction), {
                action: actionOf(interaction, 'second-factor'),
                clientName: await clientNameOf(interaction),
                pendingToken: result.pendingToken,
                problem: null,
              }),
            );
          }
          return signedIn(request, reply, result.personId, result.secondFactor);
        } catch (error) {
          const problem = problemOf(error, reply);
          return page(
            reply,
            interaction,
            pages.login(pageRequestOf(request, interaction), {
              action: actionOf(interaction, 'login'),
              clientName: await clientNameOf(interaction),
              login,
              problem,
            }),
          );
        }
      },
    );

    instance.post<{ Params: UidParams; Body: Form }>(
      `${INTERACTION_PATH_PREFIX}:uid/second-factor`,
      hidden,
      async (request, reply) => {
        const interaction = await interactionOf(request, reply);
        if (!interaction) return;
        const form = formOf(request);
        const pendingToken = form.pendingToken ?? '';
        try {
          const result = await authenticateStaffSecondFactor(
            database,
            { secrets },
            {
              pendingToken,
              totpCode: form.totpCode,
              recoveryCode: form.recoveryCode,
              ip: request.ip,
            },
          );
          return signedIn(request, reply, result.personId, true);
        } catch (error) {
          const problem = problemOf(error, reply);
          const expired = error instanceof DomainError && error.code === 'identity.sign_in_expired';
          const pageRequest = pageRequestOf(request, interaction);
          const clientName = await clientNameOf(interaction);
          return page(
            reply,
            interaction,
            expired
              ? pages.login(pageRequest, { action: actionOf(interaction, 'login'), clientName, login: '', problem })
              : pages.secondFactor(pageRequest, {
                  action: actionOf(interaction, 'second-factor'),
                  clientName,
                  pendingToken,
                  problem,
                }),
          );
        }
      },
    );

    instance.post<{ Params: UidParams; Body: Form }>(
      `${INTERACTION_PATH_PREFIX}:uid/consent`,
      hidden,
      async (request, reply) => {
        const interaction = await interactionOf(request, reply);
        if (!interaction) return;
        if (interaction.prompt.name !== 'consent' || !interaction.session?.accountId) {
          return finish(request, reply, { error: 'invalid_request', error_description: 'no consent is pending' });
        }
        if (formOf(request).decision !== 'approve') {
          return finish(request, reply, { error: 'access_denied', error_description: 'the person declined' });
        }
        const { Grant } = oidc.provider;
        const grant = interaction.grantId
          ? await Grant.find(interaction.grantId)
          : new Grant({ accountId: interaction.session.accountId, clientId: String(interaction.params.client_id) });
        if (!grant) return finish(request, reply, { error: 'invalid_request', error_description: 'grant not found' });
        const details = interaction.prompt.details;
        if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
        if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
        for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
          grant.addResourceScope(resource, scopes.join(' '));
        }
        const grantId = await grant.save();
        return finish(request, reply, { consent: interaction.grantId ? {} : { grantId } });
      },
    );

    /** The interaction this browser is in, or an error page when it has expired or belongs to another. */
    async function interactionOf(
      request: FastifyRequest<{ Params: UidParams }>,
      reply: FastifyReply,
    ): Promise<Interaction | undefined> {
      try {
        const interaction = await oidc.provider.interactionDetails(request.raw, reply.raw);
        if (interaction.uid === request.params.uid) return interaction;
      } catch (error) {
        if (!(error instanceof oidcErrors.SessionNotFound)) throw error;
      }
      reply.code(400);
      page(
        reply,
        undefined,
        pages.error(pageRequestOf(request, undefined), {
          error: 'interaction_expired',
          description: null,
        }),
      );
      return undefined;
    }

    async function signedIn(request: FastifyRequest, reply: FastifyReply, personId: string, secondFactor: boolean) {
      const { token, session } = await openSession(database.kysely, {
        subjectKind: 'staff',
        subjectId: personId,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        secondFactor,
      });
      reply.header('set-cookie', sessionCookie(token, { secure }));
      return finish(request, reply, {
        login: {
          accountId: personId,
          amr: secondFactor ? ['pwd', 'otp'] : ['pwd'],
          ts: Math.floor(session.createdAt.getTime() / 1000),
        },
      });
    }

    async function finish(
      request: FastifyRequest,
      reply: FastifyReply,
      result: Parameters<OpenIdProvider['finishInteraction']>[2],
    ) {
      const returnTo = await oidc.finishInteraction(request.raw as IncomingMessage, reply.raw, result);
      return reply.code(303).header('cache-control', 'no-store').redirect(returnTo, 303);
    }

    async function clientNameOf(interaction: Interaction): Promise<string> {
      const clientId = String(interaction.params.client_id ?? '');
      const client = await oidc.provider.Client.find(clientId);
      return client?.clientName ?? clientId;
    }
  };
}

function formOf(request: FastifyRequest): Form {
  const body = request.body;
  return body && typeof body === 'object' ? (body as Form) : {};
}

function actionOf(interaction: Interaction, step: string): string {
  return `${INTERACTION_PATH_PREFIX}${interaction.uid}/${step}`;
}

/** What the page says went wrong: the sign-in errors are shown on the page itself, not as problem+json. */
function problemOf(error: unknown, reply: FastifyReply): PageProblem {
  if (!(error instanceof DomainError) || !['unauthenticated', 'rate_limited'].includes(error.kind)) throw error;
  if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
  reply.code(error instanceof RateLimitedError ? 429 : 401);
  return { code: error.code, params: error.params };
}

function pageRequestOf(request: FastifyRequest, interaction: Interaction | undefined): OidcPageRequest {
  const uiLocales = interaction?.params.ui_locales;
  return {
    acceptLanguage: request.headers['accept-language'],
    cookie: request.headers.cookie,
    uiLocales: typeof uiLocales === 'string' ? uiLocales : undefined,
  };
}

/**
 * Sends a page. Its forms may end in a redirect to the system (after the sign-in), and browsers apply
 * CSP `form-action` to the redirects that follow a form post, so the system's origin is allowed too.
 */
function page(reply: FastifyReply, interaction: Interaction | undefined, document: string): FastifyReply {
  const csp = reply.raw.getHeader('content-security-policy');
  const target = interaction?.params.redirect_uri;
  if (typeof csp === 'string' && typeof target === 'string') {
    try {
      const origin = new URL(target).origin;
      reply.header(
        'content-security-policy',
        csp.replace(/form-action ([^;]*)/, (_whole, sources: string) => `form-action ${sources} ${origin}`),
      );
    } catch {
      // An unparseable redirect URI never reaches here: the provider validated it against the registration.
    }
  }
  return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(document);
}
