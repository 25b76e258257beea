/**
 * Who is signed in, and what they may use. The shell loads `/api/identity/v1/me` before any page (a
 * 401 goes to sign in), then the permissions the person holds anywhere: the roles of their live grants
 * (to them or to a post they hold). The navigation shows a page only when one of its permissions is
 * held; when the grants cannot be read, every page is shown and each explains a refusal itself.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiProblem, apiFetch, isAbort } from './api-client';
import type { GrantView, Me, Page, RoleView } from './api-types';

export interface SignedIn {
  me: Me;
  /** Permissions held over some unit; undefined when they could not be read. */
  permissions: ReadonlySet<string> | undefined;
  /** Reads the account again (after enrolling TOTP or changing the password). */
  refresh(): void;
}

export type SessionState =
  | { status: 'loading' }
  | { status: 'failed'; problem: ApiProblem | Error; retry(): void }
  | ({ status: 'ready' } & SignedIn);

const SessionContext = createContext<SignedIn | null>(null);

/** The most grants one person plausibly holds; the API's page limit. */
const GRANT_PAGE_LIMIT = 500;

/**
 * Loads the signed-in person and their permissions.
 * @example const session = useSessionLoader(); if (session.status === 'ready') …
 */
export function useSessionLoader(): SessionState {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the trigger: retry and refresh load again.
  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    (async () => {
      const me = await apiFetch<Me>('/api/identity/v1/me', { signal });
      const permissions = await permissionsOf(me.personId, signal);
      setState({ status: 'ready', me, permissions, refresh: retry });
    })().catch((error: unknown) => {
      if (isAbort(error)) return;
      setState({ status: 'failed', problem: error instanceof Error ? error : new Error(String(error)), retry });
    });
    return () => controller.abort();
  }, [attempt, retry]);

  return state;
}

async function permissionsOf(personId: string, signal: AbortSignal): Promise<ReadonlySet<string> | undefined> {
  try {
    const [grants, roles] = await Promise.all([
      apiFetch<Page<GrantView>>('/api/access/v1/grants', { query: { personId, limit: GRANT_PAGE_LIMIT }, signal }),
      apiFetch<{ items: RoleView[] }>('/api/access/v1/roles', { signal }),
    ]);
    const held = new Set(grants.items.map((grant) => grant.roleCode));
    return new Set(roles.items.filter((role) => held.has(role.code)).flatMap((role) => role.permissions));
  } catch (error) {
    if (isAbort(error) || !(error instanceof ApiProblem)) throw error;
    return undefined;
  }
}

export function SessionProvider({ value, children }: { value: SignedIn; children: ReactNode }) {
  const memo = useMemo(() => value, [value]);
  return <SessionContext.Provider value={memo}>{children}</SessionContext.Provider>;
}

export function useSession(): SignedIn {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}

/**
 * Whether the signed-in person holds any of `permissions` somewhere (true when unknown: the page
 * then explains a refusal itself).
 */
export function useMayUse(permissions: readonly string[]): boolean {
  const { permissions: held } = useSession();
  return held === undefined || permissions.some((permission) => held.has(permission));
}
