/**
 * The exchange configuration that publishing and routing read on every message (the member behind a
 * client, publication rights, inbound mappings, route targets), cached in the process and tied to
 * one version of the configuration.
 *
 * The version is a counter bumped by statement triggers in the same transaction as any change to
 * those rows (migration 0019), whoever makes it: a service in this process, another `huitong serve`
 * sharing the database, or SQL by hand. A view of the cache carries the version read before any of
 * its rows, so its rows are never older than its version. Every publish transaction reads the
 * counter again next to the log head (message-log.ts): a message prepared under an older version
 * is handed back and prepared again with fresh rows, so a disabled member, a revoked right or
 * subscription is in force for every publish that commits after the change, in every process.
 * A change made through this process's services also drops the view at once (`exchangeConfigChanged`),
 * which saves the publishes after it that second round. A refusal made on cached rows (a member
 * disabled, a right missing, a payload the cached mapping rejects) reads the counter before it stands,
 * and the request is prepared again if the version moved, so a member enabled or a right granted
 * elsewhere is in force at once too. Besides, a view older than half a second is checked against the
 * counter before use, which keeps one that nothing refreshes from growing old.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { UnavailableError } from '../../platform/errors.js';
import { registerMessages } from '../../platform/i18n/messages.js';

registerMessages({
  'exchange.config_changing': {
    zh: '交换配置正在频繁变更',
    en: 'The exchange configuration keeps changing',
  },
  'exchange.config_changing.detail': {
    zh: '发布期间交换配置连续变更，本次请求未被接收，请稍后重试。',
    en: 'The exchange configuration changed during every attempt to publish; nothing was accepted. Try again.',
  },
});

/** Rows one view keeps at most; past that the view is dropped and the next request starts anew. */
const MAX_VIEW_ENTRIES = 20_000;

/** How long a view is used before the counter is read again. */
export const CONFIG_RECHECK_MS = 500;

/** Times a publish prepares its messages again because the configuration moved under it. */
export const MAX_CONFIG_ATTEMPTS = 5;

let localGeneration = 0;

/**
 * Drops every cached view in this process: called by the exchange's services when they change
 * configuration rows (after their transaction, when they own it). The version check keeps other
 * changes, and one whose transaction is still open here, correct without it.
 */
export function exchangeConfigChanged(): void {
  localGeneration += 1;
}

/**
 * Settles `work` (a service's change), then drops the cached views: as soon as the change is
 * committed when `work` owned its transaction, and harmlessly early when it ran in the caller's.
 * @example return afterConfigChange(inTransaction(executor, async (tx) => { … }));
 */
export async function afterConfigChange<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } finally {
    exchangeConfigChanged();
  }
}

/** A message was prepared under a configuration version that is no longer current. */
export class ConfigMovedError extends Error {
  constructor(readonly version: number) {
    super(`exchange configuration moved to version ${version}`);
    this.name = 'ConfigMovedError';
  }
}

/** Thrown when a publish saw the configuration move on every attempt. */
export function configChangingError(): UnavailableError {
  return new UnavailableError('exchange.config_changing');
}

/**
 * One version of the configuration: every lookup is made once through it and shared by the
 * requests that use it. Loaders run on the executor of the caller that first asks (inside the
 * publish transaction for route targets, so PGlite's single connection is never asked twice).
 */
export class ConfigView {
  readonly version: number;
  readonly generation: number;
  /** When the counter was last read (before the read was sent) and found at this version. */
  checkedAt: number;
  readonly #entries = new Map<string, Promise<unknown>>();

  constructor(version: number, generation: number, checkedAt: number) {
    this.version = version;
    this.generation = generation;
    this.checkedAt = checkedAt;
  }

  /** `load()` once for `key` in this view; a failed load is forgotten, so the next call tries again. */
  lookup<T>(key: string, load: () => Promise<T>): Promise<T> {
    let pending = this.#entries.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = load();
      this.#entries.set(key, pending);
      pending.catch(() => this.#entries.delete(key));
    }
    return pending;
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * The process's cache: the current view, replaced when the version moves or a local change drops it.
 * @example const view = await cache.current(db); const member = await view.lookup(`member:${id}`, () => memberOfClient(db, id));
 */
export class ConfigCache {
  #view: ConfigView | null = null;
  #reading: Promise<ConfigView> | null = null;

  /** The current view: the cached one, or, when it is missing or due, after one read of the counter. */
  async current(executor: Executor): Promise<ConfigView> {
    const view = this.#view;
    if (view && this.#usable(view) && Date.now() - view.checkedAt < CONFIG_RECHECK_MS) return view;
    this.#reading ??= this.#read(executor).finally(() => {
      this.#reading = null;
    });
    return this.#reading;
  }

  /**
   * The view of exactly this version when this process holds it, else undefined (the caller reads
   * without the cache). A publish transaction passes the version it read.
   */
  at(version: number): ConfigView | undefined {
    const view = this.#view;
    return view && view.version === version && view.generation === localGeneration ? view : undefined;
  }

  /** Whether the configuration moved since `view` was made (one read of the counter); drops it if so. */
  async moved(executor: Executor, view: ConfigView): Promise<boolean> {
    if (view.generation !== localGeneration) return true;
    const version = await readConfigVersion(executor);
    this.observed(version);
    return version !== view.version;
  }

  /**
   * The view at `version` (one a statement saw, such as a push lease) or a later one, read anew only
   * when the version moved: a push never uses an endpoint or mapping older than what its lease saw.
   */
  async atLeast(executor: Executor, version: number): Promise<ConfigView> {
    this.observed(version);
    const view = this.at(version) ?? (await this.current(executor));
    if (view.version >= version) return view;
    // A counter read already in flight when the statement ran: read it again.
    await this.moved(executor, view);
    return this.current(executor);
  }

  /** A transaction saw this version: a view of another one is stale and goes. */
  observed(version: number): void {
    if (this.#view && this.#view.version !== version) this.#view = null;
  }

  #usable(view: ConfigView): boolean {
    return view.generation === localGeneration && view.size < MAX_VIEW_ENTRIES;
  }

  async #read(executor: Executor): Promise<ConfigView> {
    // Taken before the counter: a local change made while it is read drops what this read gives.
    const generation = localGeneration;
    const startedAt = Date.now();
    const version = await readConfigVersion(executor);
    const held = this.#view;
    if (held && held.version === version && held.generation === generation && this.#usable(held)) {
      held.checkedAt = startedAt;
      return held;
    }
    const view = new ConfigView(version, generation, startedAt);
    this.#view = view;
    return view;
  }
}

/** The configuration's current version. */
export async function readConfigVersion(executor: Executor): Promise<number> {
  const { rows } = await sql<{ version: string | number }>`
    select version from exchange.config_version where id = 1`.execute(executor);
  return Number(rows[0]?.version ?? 0);
}
