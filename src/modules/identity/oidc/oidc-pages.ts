/**
 * The pages the provider itself shows (logout confirmation, signed out, errors). The module knows no
 * web page, so their look comes from the web layer (src/web/signin/oidc-*.ts), handed in as these
 * functions; each returns a whole HTML document.
 */

/** What a page needs to pick its language. */
export interface OidcPageRequest {
  acceptLanguage: string | undefined;
  cookie: string | undefined;
  /** The relying party's `ui_locales`, when it sent one. */
  uiLocales: string | undefined;
}

export interface LogoutPageView {
  /** Where the confirmation form posts. */
  action: string;
  /** The anti-forgery value the form must carry as `xsrf`. */
  xsrf: string;
  /** The system the person signs out from, when known. */
  clientName: string | null;
}

export interface ErrorPageView {
  /** The OAuth error code, e.g. `invalid_request`. */
  error: string;
  description: string | null;
}

export interface OidcPages {
  /** Asks whether to sign out of the platform as well; posts `logout=yes` to sign out everywhere. */
  logout(request: OidcPageRequest, view: LogoutPageView): string;
  /** Says the person is signed out (when the system gave no address to return to). */
  loggedOut(request: OidcPageRequest, view: { clientName: string | null }): string;
  /** An error the provider cannot send back to the system (a bad redirect URI, an unknown client). */
  error(request: OidcPageRequest, view: ErrorPageView): string;
}

/** A problem to show on a sign-in page: a message code with its parameters (announced with role="alert"). */
export interface PageProblem {
  code: string;
  params: Record<string, unknown>;
}

export interface LoginPageView {
  /** Where the form posts `login` and `password`. */
  action: string;
  /** The system asking the person to sign in. */
  clientName: string;
  /** What the person typed, to show again after a failure (never the password). */
  login: string;
  problem: PageProblem | null;
}

export interface SecondFactorPageView {
  /** Where the form posts `pendingToken` with `totpCode` or `recoveryCode`. */
  action: string;
  clientName: string;
  /** Proof the password was right, carried by the form instead of the password. */
  pendingToken: string;
  problem: PageProblem | null;
}

export interface ConsentPageView {
  /** Where the form posts `decision` (`approve` or `deny`). */
  action: string;
  clientName: string;
  /** The scopes the system asks for that the person has not granted yet. */
  scopes: string[];
}

/** The interaction pages of a sign-in at a system (src/modules/identity/oidc/oidc-interaction.routes.ts). */
export interface InteractionPages extends OidcPages {
  login(request: OidcPageRequest, view: LoginPageView): string;
  secondFactor(request: OidcPageRequest, view: SecondFactorPageView): string;
  consent(request: OidcPageRequest, view: ConsentPageView): string;
}
