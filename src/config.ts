/**
 * Configuration: the environment, read once here and validated at start. No other file reads
 * `process.env`. A bad value stops the process with a message that names the variable.
 */
import path from 'node:path';
import { CRYPTO_SUITES, type CryptoSuite } from './modules/exchange/exchange-crypto.js';
import { MAIL_RULES, type MailRule } from './modules/provisioning/index.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Config {
  port: number;
  host: string;
  /** Where the embedded database, blobs and the lock file live. */
  dataDir: string;
  /** PostgreSQL connection string; absent means the embedded PGlite under `dataDir`. */
  databaseUrl: string | undefined;
  logLevel: LogLevel;
  /** The URL citizens and staff reach the platform at; used in links, OpenAPI and (later) OIDC issuer. */
  publicUrl: string;
  /** An operator's own copy of the holiday schedule; absent means the bundled one. */
  calendarFile: string | undefined;
  /** Largest JSON request body accepted, in bytes. */
  bodyLimitBytes: number;
  /** Largest single file accepted by the blob store, in bytes. */
  maxUploadBytes: number;
  /** Seed the demo district on a fresh embedded data dir. */
  seedDemoOnFreshStart: boolean;
  /** How long in-flight requests may take to finish after SIGTERM, in milliseconds. */
  shutdownGraceMs: number;
  /**
   * The key that seals secrets at rest (base64 of 32 bytes). Every process of a PostgreSQL deployment
   * must share it; absent means a key file in the data dir, created on first start.
   */
  secretKey: string | undefined;
  /** The password of the demo accounts made on a fresh embedded start; absent means a random one. */
  demoPassword: string | undefined;
  /** The district's mail domain: every person's address is `<local part>@<mailDomain>`. */
  mailDomain: string;
  /** How a person's name becomes the local part of their address (docs/provisioning.md). */
  mailRule: MailRule;
  /** The exchange's signing and hashing: Ed25519 + SHA-256, or SM2 + SM3 (docs/exchange.md). */
  exchangeCrypto: CryptoSuite;
  /** NATS with JetStream for exchange deliveries; absent means the PostgreSQL queue. */
  natsUrl: string | undefined;
  /**
   * Names this platform's JetStream stream, subjects and consumer (`<NAME>_EXCHANGE`, `<name>.exchange.>`,
   * `<name>-exchange-push`), so several platforms (production, staging, CI) can share one NATS server.
   */
  natsName: string;
  /** Largest standard payload of one exchange message (canonical JSON), in bytes. */
  exchangeMaxDataBytes: number;
  /** Failed push attempts before an exchange delivery is dead. */
  exchangeMaxAttempts: number;
  /** The longest wait between two push attempts, in milliseconds (the backoff doubles from 1 s up to it). */
  exchangeRetryMaxMs: number;
  /** Bearer token Prometheus sends to /metrics; absent means /metrics answers loopback callers only. */
  metricsToken: string | undefined;
  /** Working days before a case's due day from which its light is yellow (docs/cases.md). */
  casesWarnDays: number;
  /** Working days within which the handling department answers a poor rating. */
  casesFollowUpDays: number;
  /** The exchange member that publishes completed cases under the `case-record` standard. */
  casesExchangeMember: string;
}

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the configuration from an environment (the process's by default).
 * @example const config = loadConfig({ PORT: '8080' });
 */
export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = text(env, 'HOST', '0.0.0.0');
  const dataDir = path.resolve(text(env, 'HUITONG_DATA_DIR', './data'));
  const databaseUrl = optionalUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const publicUrl = optionalUrl(env, 'HUITONG_PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const logLevel = oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info');
  const calendarFile = env.HUITONG_CALENDAR_FILE ? path.resolve(env.HUITONG_CALENDAR_FILE) : undefined;
  return {
    port,
    host,
    dataDir,
    databaseUrl,
    logLevel,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    calendarFile,
    bodyLimitBytes: integer(env, 'HUITONG_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    maxUploadBytes: integer(env, 'HUITONG_MAX_UPLOAD_BYTES', 100 * 1024 * 1024, 1024, 10 * 1024 * 1024 * 1024),
    seedDemoOnFreshStart: boolean(env, 'HUITONG_DEMO_SEED', true),
    shutdownGraceMs: integer(env, 'HUITONG_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    secretKey: env.HUITONG_SECRET_KEY || undefined,
    demoPassword: env.HUITONG_DEMO_PASSWORD || undefined,
    mailDomain: mailDomain(env, 'HUITONG_MAIL_DOMAIN', 'example.gov.cn'),
    mailRule: oneOf(env, 'HUITONG_MAIL_RULE', MAIL_RULES, 'pinyin'),
    exchangeCrypto: oneOf(env, 'HUITONG_EXCHANGE_CRYPTO', CRYPTO_SUITES, 'international'),
    natsUrl: optionalUrl(env, 'NATS_URL', ['nats:', 'tls:']),
    natsName: natsName(env, 'HUITONG_NATS_NAME', 'huitong'),
    exchangeMaxDataBytes: integer(env, 'HUITONG_EXCHANGE_MAX_DATA_BYTES', 512 * 1024, 1024, 64 * 1024 * 1024),
    exchangeMaxAttempts: integer(env, 'HUITONG_EXCHANGE_MAX_ATTEMPTS', 15, 1, 1000),
    exchangeRetryMaxMs: integer(env, 'HUITONG_EXCHANGE_RETRY_MAX_MS', 5 * 60_000, 1000, 24 * 60 * 60_000),
    metricsToken: secretText(env, 'HUITONG_METRICS_TOKEN'),
    casesWarnDays: integer(env, 'HUITONG_CASES_WARN_DAYS', 2, 1, 30),
    casesFollowUpDays: integer(env, 'HUITONG_CASES_FOLLOW_UP_DAYS', 5, 1, 60),
    casesExchangeMember: exchangeMemberId(env, 'HUITONG_CASES_EXCHANGE_MEMBER', 'zwfw-ycsl'),
  };
}

function mailDomain(env: Env, name: string, fallback: string): string {
  const value = text(env, name, fallback).toLowerCase();
  // RFC 1035 labels: letters, digits and inner hyphens, at least two labels.
  if (!/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(value)) {
    throw new ConfigError(name, `must be a domain name such as example.gov.cn, got "${value}"`);
  }
  return value;
}

/** A token NATS takes in a stream name and in a subject: lower-case letters, digits, `_` and `-`. */
function natsName(env: Env, name: string, fallback: string): string {
  const value = text(env, name, fallback);
  if (!/^[a-z][a-z0-9_-]{0,31}$/.test(value)) {
    throw new ConfigError(
      name,
      `must be lower-case letters, digits, _ or - (at most 32, a letter first), got "${value}"`,
    );
  }
  return value;
}

/** An exchange member's id, which is its client id: `zwfw-ycsl` (exchange's MEMBER_ID_PATTERN). */
function exchangeMemberId(env: Env, name: string, fallback: string): string {
  const value = text(env, name, fallback);
  if (!/^[a-z][a-z0-9-]{2,62}$/.test(value)) {
    throw new ConfigError(name, `must be an exchange member id such as zwfw-ycsl, got "${value}"`);
  }
  return value;
}

/** A secret: at least 32 characters, never echoed in an error. */
function secretText(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (value.length < 32) throw new ConfigError(name, 'must be at least 32 characters');
  return value;
}

function text(env: Env, name: string, fallback: string): string {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (value.trim() !== value) throw new ConfigError(name, 'must not start or end with spaces');
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new ConfigError(name, `must be a whole number, got "${value}"`);
  const parsed = Number(value);
  if (parsed < min || parsed > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${parsed}`);
  return parsed;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(name, `must be true or false, got "${value}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

function optionalUrl(env: Env, name: string, protocols: string[]): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Never echo the value: a connection string carries a password.
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${url.protocol}`);
  }
  return value;
}
