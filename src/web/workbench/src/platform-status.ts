/**
 * The platform's state as the server reports it: readiness from `/readyz` (the database answers and
 * every migration is applied) and the version from the OpenAPI document at `/docs/json`.
 */

export type CheckStatus = 'ok' | 'unavailable';

export interface PlatformStatus {
  database: CheckStatus;
  /** `pglite` or `postgres` when the database answers. */
  engine: string | undefined;
  migrations: CheckStatus;
  version: string | undefined;
  checkedAt: Date;
}

interface ReadinessBody {
  checks?: Record<string, { status?: string; detail?: string } | undefined>;
}

interface OpenApiBody {
  info?: { version?: string };
}

export async function fetchPlatformStatus(signal: AbortSignal): Promise<PlatformStatus> {
  const [readiness, openApi] = await Promise.all([
    fetchJson<ReadinessBody>('/readyz', signal),
    fetchJson<OpenApiBody>('/docs/json', signal),
  ]);
  const database = readiness?.checks?.database;
  const databaseStatus = statusOf(database?.status);
  return {
    database: databaseStatus,
    // When the database does not answer, `detail` is a reason, not an engine.
    engine: databaseStatus === 'ok' ? database?.detail : undefined,
    migrations: statusOf(readiness?.checks?.migrations?.status),
    version: openApi?.info?.version,
    checkedAt: new Date(),
  };
}

function statusOf(status: string | undefined): CheckStatus {
  return status === 'ok' ? 'ok' : 'unavailable';
}

/**
 * The JSON body, or undefined when the server cannot be reached or sends no JSON. `/readyz` answers
 * 503 with a body that still says which check failed, so the status code alone is not a failure.
 */
async function fetchJson<T>(url: string, signal: AbortSignal): Promise<T | undefined> {
  try {
    const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
    return (await response.json()) as T;
  } catch (error) {
    if (signal.aborted) throw error;
    return undefined;
  }
}
