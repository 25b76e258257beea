/**
 * The part of oidc-provider 9 this module uses. The package ships no type definitions and
 * @types/oidc-provider is not a dependency: these declarations cover only what the code calls, so the
 * compiler still checks every use.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type AdapterPayload = Record<string, unknown> & {
    grantId?: string;
    userCode?: string;
    uid?: string;
    accountId?: string;
    consumed?: number;
    exp?: number;
    jti?: string;
  };

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export type AdapterFactory = (model: string) => Adapter;

  export interface ClaimsResult {
    sub: string;
    [claim: string]: unknown;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string, claims: unknown, rejected: string[]): Promise<ClaimsResult> | ClaimsResult;
  }

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    [property: string]: unknown;
  }

  export interface Client {
    clientId: string;
    clientName?: string;
    backchannelLogoutUri?: string;
    metadata(): ClientMetadata;
    backchannelLogout(sub: string, sid: string): Promise<void>;
  }

  export interface Grant {
    jti: string;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantStatic {
    new (properties: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface InteractionPrompt {
    name: 'login' | 'consent' | string;
    reasons: string[];
    details: {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
      [detail: string]: unknown;
    };
  }

  export interface Interaction {
    uid: string;
    prompt: InteractionPrompt;
    params: Record<string, string | undefined>;
    grantId?: string;
    session?: { accountId?: string; uid?: string };
    lastSubmission?: Record<string, unknown>;
    returnTo: string;
  }

  export interface ClientStatic {
    find(id: string): Promise<Client | undefined>;
  }

  export interface InteractionResults {
    login?: { accountId: string; amr?: string[]; acr?: string; ts?: number; remember?: boolean };
    consent?: { grantId?: string };
    error?: string;
    error_description?: string;
  }

  export interface KoaContextLike {
    body: unknown;
    type: string;
    status: number;
    oidc: {
      client?: Client;
      session: { accountId?: string; grantIdFor(clientId: string): string | undefined };
      result?: { consent?: { grantId?: string }; login?: unknown };
      requestParamScopes: Set<string>;
      requestParamClaims: Set<string>;
      entities: Record<string, unknown>;
      provider: Provider;
      route: string;
      params?: Record<string, unknown>;
    };
    headers: Record<string, string | string[] | undefined>;
    get(name: string): string;
    acceptsLanguages(...languages: string[]): string | false;
  }

  export type Configuration = Record<string, unknown>;

  export class Provider {
    constructor(issuer: string, configuration: Configuration);
    issuer: string;
    proxy: boolean;
    Client: ClientStatic;
    Grant: GrantStatic;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    on(event: string, listener: (...args: unknown[]) => void): this;
    use(middleware: (ctx: unknown, next: () => Promise<void>) => Promise<void>): this;
    urlFor(name: string, options?: Record<string, unknown>): string;
  }

  export class Check {
    constructor(reason: string, description: string, error: string, check: (ctx: never) => boolean | Promise<boolean>);
  }

  export interface Prompt {
    name: string;
    checks: { add(check: Check, index?: number): void };
  }

  export interface Prompts {
    get(name: string): Prompt | undefined;
  }

  export const interactionPolicy: {
    base(): Prompts;
    Check: typeof Check;
  };

  export const errors: {
    SessionNotFound: new (...args: unknown[]) => Error;
  };
}
