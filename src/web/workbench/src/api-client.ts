/**
 * The one way the workbench talks to the platform's JSON API: every call asks for JSON in the
 * interface language, sends JSON bodies as application/json (the only body the identity API accepts
 * from a browser, see its CSRF note), goes to the sign-in page when the session has ended, and turns
 * an RFC 9457 problem into an `ApiProblem` the pages can show, field errors included.
 */
import type { Locale } from './messages';

/** One bad field of a problem, as the server names it: a JSON Pointer into the request and a reason. */
export interface ProblemField {
  pointer: string;
  reason: string;
  message?: string;
  /** Staff imports add the row, the column and its header as written. */
  row?: number;
  field?: string;
  header?: string;
}

/** A failed API call, shaped for display: the server's own title and detail in the reader's language. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: ProblemField[];
  readonly requestId: string | undefined;

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail: string;
    errors?: ProblemField[];
    requestId?: string | undefined;
  }) {
    super(`${init.code}: ${init.detail}`);
    this.name = 'ApiProblem';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.requestId = init.requestId;
  }
}

/** Status 0: the request never got an answer (network down, server stopped). */
export const NETWORK_FAILURE = 'workbench.network_failure';

let requestLocale: Locale = 'zh-CN';

/** The language problems come back in; the locale provider keeps it in step with the interface. */
export function setRequestLocale(locale: Locale): void {
  requestLocale = locale;
}

/**
 * The sign-in page, asked to come back here afterwards.
 * @example signInUrl('/workbench/audit?action=x') // '/signin?next=%2Fworkbench%2Faudit%3Faction%3Dx'
 */
export function signInUrl(next: string): string {
  return `/signin?next=${encodeURIComponent(next)}`;
}

export type QueryValue = string | number | boolean | undefined | null;

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as it is (a file), with its own content type. */
  file?: { body: Blob; contentType: string };
  signal?: AbortSignal;
}

/**
 * Calls the API and returns the JSON body (undefined for 204). Throws `ApiProblem` for an error
 * status; a 401 first sends the browser to sign in and then never settles, since the page is leaving.
 * @example const me = await apiFetch<Me>('/api/identity/v1/me');
 * @example await apiFetch('/api/access/v1/grants', { method: 'POST', json: { roleCode, grantee, scopeOrgUnitCode } });
 */
export async function apiFetch<T>(path: string, request: ApiRequest = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': requestLocale };
  let body: BodyInit | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.file) {
    headers['content-type'] = request.file.contentType;
    body = request.file.body;
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, request.query), {
      method: request.method ?? 'GET',
      headers,
      body,
      credentials: 'same-origin',
      signal: request.signal,
    });
  } catch (error) {
    if (request.signal?.aborted) throw error;
    throw new ApiProblem({ status: 0, code: NETWORK_FAILURE, title: '', detail: '' });
  }
  if (response.status === 401) {
    // Read to the end first: leaving with the body unread would cancel it, a failed request in the log.
    await response.text().catch(() => undefined);
    window.location.assign(signInUrl(`${window.location.pathname}${window.location.search}`));
    return new Promise<never>(() => undefined);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed: unknown = text === '' ? undefined : safeJson(text);
  if (!response.ok) throw problemOf(response.status, parsed);
  return parsed as T;
}

function withQuery(path: string, query: Record<string, QueryValue> | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.append(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

interface ProblemBody {
  code?: unknown;
  title?: unknown;
  detail?: unknown;
  errors?: unknown;
  requestId?: unknown;
}

function problemOf(status: number, body: unknown): ApiProblem {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as ProblemBody;
  return new ApiProblem({
    status,
    code: typeof problem.code === 'string' ? problem.code : `http.${status}`,
    title: typeof problem.title === 'string' ? problem.title : '',
    detail: typeof problem.detail === 'string' ? problem.detail : '',
    errors: Array.isArray(problem.errors) ? (problem.errors as ProblemField[]) : [],
    requestId: typeof problem.requestId === 'string' ? problem.requestId : undefined,
  });
}

/** Whether `error` is an abort of our own (a newer request, or the page left): nothing to show. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
