/**
 * Identity: what sign-in and the OpenID Provider sustain per CPU core, on PGlite and on PostgreSQL:
 * password sign-ins (`POST /api/identity/v1/sign-in`), client-credentials token requests and refresh
 * grants (`POST /oidc/token`), and UserInfo (`GET /oidc/me`). In the same run, the cost of one argon2id
 * hash with the platform's default parameters and with Keycloak's, on one core of this machine, so the
 * sign-in figures can be set against Keycloak's published sizing at equal hashing cost.
 *
 * The platform is set up the operator's way, the same on both engines: `huitong migrate`, `seed --demo`,
 * `access bootstrap`, `identity set-password` (password on a pipe), then `huitong serve`; everything
 * after that goes over HTTP: the security administrator grants `platform.system_admin`, the system
 * administrator opens the sign-in accounts of the load and registers a first-party client.
 *
 * Sign-ins: each connection signs in to an account nobody else is signing in to at that moment. One
 * account signed in to from several connections at once is throttled by design (every attempt is
 * counted as a failure before its password is checked, docs/identity.md), which is a guard, not a
 * throughput figure. Refresh grants: a refresh token works once (rotation), so every request carries a
 * token never used before: a pool filled with authorization code + PKCE flows (single sign-on on the
 * platform session, no password), to which each response's new refresh token returns, as a client that
 * keeps refreshing does.
 *
 *   tsx bench/identity.bench.ts [--identity-connections 8] [--duration 10] [--warmup 2] [--rounds 3]
 *                               [--argon2-hashes 20] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Algorithm, hashSync, type Version } from '@node-rs/argon2';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';
import {
  type Answer,
  assertBuilt,
  type Bench,
  BenchError,
  CookieJar,
  cpuMs,
  createScratchDatabase,
  describeMachine,
  freePort,
  isEntryPoint,
  type MachineInfo,
  machineInfo,
  main,
  othersCpuMeter,
  percent,
  positiveNumber,
  printTable,
  REPO_ROOT,
  redactUrl,
  type ScratchDatabase,
  type ServerProcess,
  type Spread,
  send,
  spawnServer,
  spread,
  waitForQuietMachine,
  writeFigures,
} from './bench-kit.js';

const HUITONG_BIN = path.join(REPO_ROOT, 'bin/huitong.js');
const LOG_LEVEL = 'warn';
/** A measurement is repeated (up to twice) when others used more than this share of the machine. */
const DISTURBED = 0.1;
const SECURITY_ADMIN_STAFF_NO = 'HT000142';
const SYSTEM_ADMIN_STAFF_NO = 'HT000143';
const DISTRICT = 'HT';
const CLIENT_ID = 'bench-identity';
/** What an office system asks for: everything UserInfo can release, so /oidc/me does its full work. */
const USER_SCOPES = 'openid profile email phone roles';
const MACHINE_SCOPE = 'directory.read';
/** Sign-in accounts per connection: the one in flight, and one resting. */
const ACCOUNTS_PER_CONNECTION = 2;
/** Unused refresh tokens per connection before each run: one in flight, spares for the ones lost at the end. */
const REFRESH_TOKENS_PER_CONNECTION = 3;

/** argon2id parameter sets compared, with @node-rs/argon2 in this process (a library, not src/). */
const HASH_PARAMETERS = [
  { name: 'huitong default (OWASP minimum)', memoryKiB: 19_456, iterations: 2, parallelism: 1 },
  { name: 'Keycloak default', memoryKiB: 7_168, iterations: 5, parallelism: 1 },
] as const;
// The package declares these as ambient const enums, which verbatimModuleSyntax may not read: their values.
const ARGON2ID = 2 as Algorithm;
const ARGON2_VERSION_0X13 = 1 as Version;

/** Keycloak's published sizing per vCPU, and what the issue asks of huitong per core. */
const KEYCLOAK_PER_VCPU = { signIns: 15, clientCredentials: 120 } as const;
const AIM_PER_CORE = { signIns: 15, clientCredentials: 240 } as const;

type Engine = 'pglite' | 'postgres';
type TargetName = 'sign-in' | 'client-credentials' | 'refresh' | 'userinfo';

interface Settings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  argon2Hashes: number;
}

/** One autocannon run against one target. */
interface Measurement {
  requestsPerSecond: number;
  /** requestsPerSecond ÷ serverCores: what one core of the server sustains. */
  requestsPerSecondPerCore: number;
  latencyMs: { p50: number; p99: number; max: number };
  responses: number;
  non2xx: number;
  errors: number;
  /** CPU the server (with its PostgreSQL backends) spent per response, in microseconds. */
  serverCpuUsPerResponse: number;
  /** Cores the server kept busy (argon2 runs on libuv's threads, so sign-in can use more than one). */
  serverCores: number;
  /** Share of the machine used by processes other than the server and the load generator. */
  othersCpu: number;
}

interface Row {
  engine: Engine;
  target: TargetName;
  route: string;
  median: Measurement;
  rounds: Measurement[];
}

interface HashCost {
  name: string;
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  /** Wall time of one hash (hashSync, one lane, so one core), every sample. */
  samplesMs: number[];
  ms: Spread;
  /** CPU time of the process per hash: about the wall time when nothing else ran on that core. */
  cpuMsPerHash: number;
  hashesPerSecondOnOneCore: number;
}

export interface IdentityFigures {
  bench: 'identity';
  machine: MachineInfo;
  builtAt: string;
  settings: Settings & { huitongLogLevel: string; postgres: string | undefined; maxWaitSeconds: number };
  argon2: HashCost[];
  /** The parameters of the stored password hashes, read from the PHC strings after the run. */
  parametersInForce: Partial<Record<Engine, string | null>>;
  rows: Row[];
  /** Sign-ins per core had the platform hashed with Keycloak's parameters: server CPU per sign-in, less our hash, plus theirs. */
  signInsPerCoreAtKeycloakCost: Partial<Record<Engine, number>>;
  keycloakPerVcpu: typeof KEYCLOAK_PER_VCPU;
  aimPerCore: typeof AIM_PER_CORE;
}

export const identityBench: Bench = {
  name: 'identity',
  flags: {
    'identity-connections': { type: 'string', default: '8' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    'argon2-hashes': { type: 'string', default: '20' },
    postgres: { type: 'string' },
    'max-wait': { type: 'string', default: '300' },
  },
  help: [
    '--identity-connections N  identity bench: concurrent connections (default 8)',
    '--duration S     seconds measured per target and round (default 10)',
    '--warmup S       seconds of load before each measurement, not counted (default 2)',
    '--rounds N       the targets take turns N times; figures are medians (default 3)',
    '--argon2-hashes N  identity bench: argon2id hashes timed per parameter set (default 20)',
    '--postgres URL   also against PostgreSQL (a scratch database per run); or HUITONG_BENCH_DATABASE_URL',
    '--max-wait S     seconds to wait for other processes to leave the CPU before each run (default 300)',
  ],
  async run(flags) {
    const settings: Settings = {
      connections: positiveNumber(flags, 'identity-connections'),
      durationSeconds: positiveNumber(flags, 'duration'),
      warmupSeconds: positiveNumber(flags, 'warmup'),
      rounds: positiveNumber(flags, 'rounds'),
      argon2Hashes: positiveNumber(flags, 'argon2-hashes'),
    };
    const maxWaitMs = positiveNumber(flags, 'max-wait') * 1000;
    const postgres = (flags.postgres as string | undefined) ?? process.env.HUITONG_BENCH_DATABASE_URL;
    const { builtAt } = assertBuilt();
    const machine = machineInfo();
    console.log(`\nidentity bench: ${describeMachine(machine)}`);

    await waitForQuietMachine(maxWaitMs);
    const argon2 = measureHashing(settings.argon2Hashes);
    const rows: Row[] = [];
    const parametersInForce: IdentityFigures['parametersInForce'] = {};
    const engines: Engine[] = postgres ? ['pglite', 'postgres'] : ['pglite'];
    for (const engine of engines) {
      const platform = await preparePlatform(engine, postgres);
      try {
        rows.push(...(await measureEngine(platform, settings, maxWaitMs)));
        parametersInForce[engine] = await platform.storedHashParameters();
      } finally {
        await platform.close();
      }
    }

    const figures: IdentityFigures = {
      bench: 'identity',
      machine,
      builtAt,
      settings: {
        ...settings,
        huitongLogLevel: LOG_LEVEL,
        postgres: postgres && redactUrl(postgres),
        maxWaitSeconds: maxWaitMs / 1000,
      },
      argon2,
      parametersInForce,
      rows,
      signInsPerCoreAtKeycloakCost: atKeycloakCost(rows, argon2),
      keycloakPerVcpu: KEYCLOAK_PER_VCPU,
      aimPerCore: AIM_PER_CORE,
    };
    printIdentity(figures);
    console.log(`figures: ${writeFigures('identity', figures)}`);
  },
};

// ---------------------------------------------------------------------------------------------
// argon2id on one core

/** Times hashSync (one lane, so one core) for each parameter set, alternating, after a warm-up hash each. */
function measureHashing(hashes: number): HashCost[] {
  const password = 'Correct-Horse-Battery-9';
  const options = (p: (typeof HASH_PARAMETERS)[number]) => ({
    algorithm: ARGON2ID,
    version: ARGON2_VERSION_0X13,
    memoryCost: p.memoryKiB,
    timeCost: p.iterations,
    parallelism: p.parallelism,
  });
  for (const parameters of HASH_PARAMETERS) hashSync(password, options(parameters));
  const samples = HASH_PARAMETERS.map(() => ({ wallMs: [] as number[], cpuMicros: 0 }));
  for (let i = 0; i < hashes; i++) {
    for (const [index, parameters] of HASH_PARAMETERS.entries()) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      hashSync(password, options(parameters));
      samples[index]!.wallMs.push(performance.now() - started);
      const cpu = process.cpuUsage(cpuBefore);
      samples[index]!.cpuMicros += cpu.user + cpu.system;
    }
  }
  return HASH_PARAMETERS.map((parameters, index) => {
    const { wallMs, cpuMicros } = samples[index]!;
    const ms = spread(wallMs);
    console.log(
      `  argon2id m=${parameters.memoryKiB},t=${parameters.iterations},p=${parameters.parallelism}: ${ms.median.toFixed(1)} ms per hash`,
    );
    return {
      name: parameters.name,
      memoryKiB: parameters.memoryKiB,
      iterations: parameters.iterations,
      parallelism: parameters.parallelism,
      samplesMs: wallMs,
      ms,
      cpuMsPerHash: cpuMicros / 1000 / hashes,
      // CPU time, not wall time: on a shared machine the wall clock also counts waiting for the core.
      hashesPerSecondOnOneCore: 1000 / (cpuMicros / 1000 / hashes),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The platform under load, set up the operator's way

interface Platform {
  engine: Engine;
  server: ServerProcess;
  baseUrl: string;
  redirectUri: string;
  password: string;
  /** The system administrator's cookies: the platform session that gives single sign-on to the flows. */
  jar: CookieJar;
  clientSecret: string;
  /** Usernames of the sign-in accounts of the load, least recently used first. */
  signInPool: string[];
  /** Refresh tokens never used. */
  refreshPool: string[];
  /** The server and, on PostgreSQL, the backends serving it. */
  pids(): Promise<number[]>;
  storedHashParameters(): Promise<string | null>;
  close(): Promise<void>;
}

async function preparePlatform(engine: Engine, postgres: string | undefined): Promise<Platform> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `huitong-bench-identity-${engine}-`));
  let scratch: ScratchDatabase | undefined;
  let server: ServerProcess | undefined;
  try {
    scratch =
      engine === 'postgres'
        ? await createScratchDatabase(postgres!, `huitong_bench_identity_${process.pid}`)
        : undefined;
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env: Record<string, string | undefined> = {
      PORT: String(port),
      HOST: '127.0.0.1',
      HUITONG_DATA_DIR: dataDir,
      DATABASE_URL: scratch?.url,
      HUITONG_DEMO_SEED: 'false',
      HUITONG_PUBLIC_URL: baseUrl,
      LOG_LEVEL: LOG_LEVEL,
    };
    const password = newPassword();
    console.log(`  ${engine}: migrate, seed --demo, access bootstrap, identity set-password ×2`);
    huitong(['migrate'], env);
    huitong(['seed', '--demo'], env);
    huitong(['access', 'bootstrap', '--staff-no', SECURITY_ADMIN_STAFF_NO], env);
    for (const staffNo of [SECURITY_ADMIN_STAFF_NO, SYSTEM_ADMIN_STAFF_NO]) {
      huitong(['identity', 'set-password', '--staff-no', staffNo], env, `${password}\n`);
    }
    const started = await spawnServer({
      args: [HUITONG_BIN, 'serve'],
      env,
      port,
      readyPath: '/readyz',
      ...(scratch ? { helperPids: scratch.backendPids } : {}),
    });
    server = started;
    const database = scratch;
    const platform: Platform = {
      engine,
      server: started,
      baseUrl,
      redirectUri: `${baseUrl}/bench-callback`,
      password,
      jar: new CookieJar(),
      clientSecret: '',
      signInPool: [],
      refreshPool: [],
      pids: async () => [started.pid, ...((await database?.backendPids()) ?? [])],
      // An embedded data dir is opened by one process at a time: its hashes are read once the server has stopped.
      storedHashParameters: database
        ? () => hashParametersOnPostgres(database.url)
        : async () => {
            await started.stop();
            return hashParametersOnPGlite(dataDir);
          },
      close: async () => {
        const stopped = await started.stop();
        if (stopped.code !== 0) console.log(`  warning: the server exited with ${stopped.code ?? stopped.signal}`);
        await database?.drop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
    await configureOverHttp(platform);
    return platform;
  } catch (error) {
    await server?.stop();
    await scratch?.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Runs the `huitong` command to completion with this environment (and standard input), or explains why it failed. */
function huitong(args: string[], overrides: Record<string, string | undefined>, input = ''): void {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  try {
    execFileSync(process.execPath, [HUITONG_BIN, ...args], {
      cwd: REPO_ROOT,
      env,
      input,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').slice(-4_000);
    const rebuilt = stderr.includes('huitong: compiling')
      ? ' (src/ changed since the last build and bin/huitong.js could not rebuild dist/)'
      : '';
    throw new BenchError(`\`huitong ${args.join(' ')}\` failed${rebuilt}:\n${stderr}`);
  }
}

/** A password the policy accepts (12+ characters, four kinds, no staff number), new for each platform. */
function newPassword(): string {
  for (;;) {
    const candidate = `Bench-${randomBytes(12).toString('base64url')}-7q`;
    if (!/(.)\1{3}/.test(candidate)) return candidate;
  }
}

/**
 * Over HTTP, as the administrators would: the security administrator makes HT000143 system
 * administrator, who signs in (the session the authorization flows ride on) and registers the client.
 */
async function configureOverHttp(platform: Platform): Promise<void> {
  const { baseUrl, password } = platform;
  const securityAdmin = new CookieJar();
  await expectStatus(
    await send(baseUrl, 'POST', '/api/identity/v1/sign-in', {
      jar: securityAdmin,
      json: { login: SECURITY_ADMIN_STAFF_NO.toLowerCase(), password },
    }),
    200,
    'the security administrator’s sign-in',
  );
  const found = await expectStatus(
    await send(baseUrl, 'GET', `/api/directory/v1/people?q=${SYSTEM_ADMIN_STAFF_NO}`, { jar: securityAdmin }),
    200,
    'looking up HT000143',
  );
  const systemAdmin = (found.body as { items: Array<{ id: string; staffNo: string }> }).items.find(
    (person) => person.staffNo === SYSTEM_ADMIN_STAFF_NO,
  );
  if (!systemAdmin) throw new BenchError(`${SYSTEM_ADMIN_STAFF_NO} is not in the demo directory`);
  await expectStatus(
    await send(baseUrl, 'POST', '/api/access/v1/grants', {
      jar: securityAdmin,
      json: {
        roleCode: 'platform.system_admin',
        grantee: { kind: 'person', personId: systemAdmin.id },
        scopeOrgUnitCode: DISTRICT,
      },
    }),
    201,
    'granting platform.system_admin',
  );

  await expectStatus(
    await send(baseUrl, 'POST', '/api/identity/v1/sign-in', {
      jar: platform.jar,
      json: { login: SYSTEM_ADMIN_STAFF_NO.toLowerCase(), password },
    }),
    200,
    'the system administrator’s sign-in',
  );
  const registered = await expectStatus(
    await send(baseUrl, 'POST', '/api/identity/v1/clients', {
      jar: platform.jar,
      json: {
        clientId: CLIENT_ID,
        nameZh: '性能测试系统',
        nameEn: 'Benchmark system',
        ownerOrgUnitCode: DISTRICT,
        redirectUris: [platform.redirectUri],
        grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
        scopes: [...USER_SCOPES.split(' '), MACHINE_SCOPE],
        firstParty: true,
      },
    }),
    201,
    'registering the client',
  );
  platform.clientSecret = (registered.body as { clientSecret: string }).clientSecret;
}

/** Opens sign-in accounts for active people of the demo district until there are `count`. */
async function openSignInAccounts(platform: Platform, count: number): Promise<void> {
  const { baseUrl } = platform;
  const listed = await expectStatus(
    await send(baseUrl, 'GET', '/api/directory/v1/people?status=active&limit=200', { jar: platform.jar }),
    200,
    'listing people',
  );
  const people = (listed.body as { items: Array<{ id: string; staffNo: string }> }).items.filter(
    (person) => person.staffNo !== SECURITY_ADMIN_STAFF_NO && person.staffNo !== SYSTEM_ADMIN_STAFF_NO,
  );
  for (const person of people) {
    if (platform.signInPool.length >= count) return;
    const opened = await send(baseUrl, 'POST', `/api/identity/v1/people/${person.id}/account`, {
      jar: platform.jar,
      json: { password: platform.password },
    });
    if (opened.status === 201) platform.signInPool.push(person.staffNo.toLowerCase());
  }
  if (platform.signInPool.length < count) {
    throw new BenchError(`could open only ${platform.signInPool.length} of ${count} sign-in accounts`);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP without a client library: redirects read from Location (bench-kit's `send`)

async function expectStatus(answer: Answer, status: number, what: string): Promise<Answer> {
  if (answer.status !== status) {
    throw new BenchError(`${what}: HTTP ${answer.status}, expected ${status}: ${answer.text.slice(0, 1_000)}`);
  }
  return answer;
}

/** HTTP Basic client authentication (RFC 6749 §2.3.1: id and secret form-encoded first). */
function basicAuthorization(platform: Platform): string {
  const credentials = `${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(platform.clientSecret)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

interface UserTokens {
  accessToken: string;
  refreshToken: string;
}

/**
 * One authorization code flow with PKCE on the system administrator's platform session: the
 * authorization URL, its redirects (through /signin/oidc/<uid> when the provider asks) to the
 * redirect URI with ?code=, then the code exchanged at the token endpoint.
 */
async function authorizationCodeFlow(platform: Platform): Promise<UserTokens> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const query = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: platform.redirectUri,
    scope: USER_SCOPES,
    state,
    nonce: randomBytes(12).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  let url = new URL(`/oidc/auth?${query}`, platform.baseUrl).href;
  for (let hop = 0; hop < 10; hop++) {
    const answer = await send(platform.baseUrl, 'GET', url, { jar: platform.jar });
    if (!answer.location || answer.status < 300 || answer.status >= 400) {
      throw new BenchError(
        `authorization flow: ${new URL(url).pathname} answered ${answer.status} without a redirect: ${answer.text.slice(0, 500)}`,
      );
    }
    const next = new URL(answer.location, url);
    if (`${next.origin}${next.pathname}` === platform.redirectUri) {
      const code = next.searchParams.get('code');
      if (!code || next.searchParams.get('state') !== state) {
        throw new BenchError(`authorization flow: no code for the client: ${next.search}`);
      }
      const exchanged = await expectStatus(
        await send(platform.baseUrl, 'POST', '/oidc/token', {
          headers: { authorization: basicAuthorization(platform) },
          form: {
            grant_type: 'authorization_code',
            code,
            redirect_uri: platform.redirectUri,
            code_verifier: verifier,
          },
        }),
        200,
        'exchanging the authorization code',
      );
      const tokens = exchanged.body as { access_token?: string; refresh_token?: string };
      if (!tokens.access_token || !tokens.refresh_token) {
        throw new BenchError(`the code exchange gave no refresh token: ${exchanged.text.slice(0, 500)}`);
      }
      return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
    }
    url = next.href;
  }
  throw new BenchError('authorization flow: more than 10 redirects');
}

// ---------------------------------------------------------------------------------------------
// The targets

interface Target {
  name: TargetName;
  route: string;
  /** Work before each measurement, outside it: fresh tokens. */
  prepare(): Promise<void>;
  load(durationSeconds: number): Promise<Result>;
}

/** Paths from discovery: the benches follow what the provider announces. */
async function discover(platform: Platform): Promise<{ token: string; userinfo: string }> {
  const discovery = await expectStatus(
    await send(platform.baseUrl, 'GET', '/.well-known/openid-configuration'),
    200,
    'discovery',
  );
  const { token_endpoint, userinfo_endpoint } = discovery.body as { token_endpoint: string; userinfo_endpoint: string };
  return { token: new URL(token_endpoint).pathname, userinfo: new URL(userinfo_endpoint).pathname };
}

function targetsOf(platform: Platform, endpoints: { token: string; userinfo: string }, settings: Settings): Target[] {
  const { baseUrl } = platform;
  const connections = settings.connections;
  const form = 'application/x-www-form-urlencoded';

  // Each connection takes the account used least recently and gives it back with its answer, so no account
  // has two attempts at once; the accounts in flight when a run ends go to the back of the queue.
  const signIn: Target = {
    name: 'sign-in',
    route: 'POST /api/identity/v1/sign-in',
    prepare: async () => {},
    load: async (duration) => {
      const pool = platform.signInPool;
      const inFlight = new Set<string>();
      const result = await autocannon({
        url: `${baseUrl}/api/identity/v1/sign-in`,
        connections,
        duration,
        requests: [
          {
            method: 'POST',
            path: '/api/identity/v1/sign-in',
            headers: { 'content-type': 'application/json' },
            setupRequest: (spec, context) => {
              const login = pool.shift() ?? [...inFlight][0]!;
              inFlight.add(login);
              context.login = login;
              return { ...spec, body: JSON.stringify({ login, password: platform.password }) };
            },
            onResponse: (_status, _body, context) => {
              const login = context.login as string;
              if (inFlight.delete(login)) pool.push(login);
            },
          },
        ],
      });
      pool.push(...inFlight);
      return result;
    },
  };

  const clientCredentials: Target = {
    name: 'client-credentials',
    route: `POST ${endpoints.token} client_credentials`,
    prepare: async () => {},
    load: (duration) =>
      autocannon({
        url: `${baseUrl}${endpoints.token}`,
        connections,
        duration,
        method: 'POST',
        headers: { 'content-type': form, authorization: basicAuthorization(platform) },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: MACHINE_SCOPE }).toString(),
      }),
  };

  // Every request spends a token never used before; its answer's new refresh token joins the pool.
  // Tokens in flight when a run ends may have been spent: they are dropped, never sent again (a
  // spent token presented twice revokes the whole grant).
  const refresh: Target = {
    name: 'refresh',
    route: `POST ${endpoints.token} refresh_token`,
    prepare: async () => {
      while (platform.refreshPool.length < connections * REFRESH_TOKENS_PER_CONNECTION) {
        platform.refreshPool.push((await authorizationCodeFlow(platform)).refreshToken);
      }
    },
    load: async (duration) => {
      const pool = platform.refreshPool;
      const result = await autocannon({
        url: `${baseUrl}${endpoints.token}`,
        connections,
        duration,
        requests: [
          {
            method: 'POST',
            path: endpoints.token,
            headers: { 'content-type': form, authorization: basicAuthorization(platform) },
            setupRequest: (spec) => {
              // An empty pool (it should not be) sends a token that cannot work: a visible non-2xx.
              const token = pool.shift() ?? 'pool-empty';
              return {
                ...spec,
                body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
              };
            },
            onResponse: (status, body) => {
              if (status !== 200) return;
              const next = (JSON.parse(body) as { refresh_token?: string }).refresh_token;
              if (next) pool.push(next);
            },
          },
        ],
      });
      return result;
    },
  };

  let accessToken = '';
  const userinfo: Target = {
    name: 'userinfo',
    route: `GET ${endpoints.userinfo}`,
    // Access tokens live 10 minutes: a fresh one for each measurement.
    prepare: async () => {
      accessToken = (await authorizationCodeFlow(platform)).accessToken;
    },
    load: (duration) =>
      autocannon({
        url: `${baseUrl}${endpoints.userinfo}`,
        connections,
        duration,
        headers: { authorization: `Bearer ${accessToken}` },
      }),
  };

  return [signIn, clientCredentials, refresh, userinfo];
}

async function measureEngine(platform: Platform, settings: Settings, maxWaitMs: number): Promise<Row[]> {
  await openSignInAccounts(platform, settings.connections * ACCOUNTS_PER_CONNECTION);
  const endpoints = await discover(platform);
  const targets = targetsOf(platform, endpoints, settings);
  const measured = targets.map((): Measurement[] => []);
  for (let round = 1; round <= settings.rounds; round++) {
    console.log(`  ${platform.engine} round ${round}/${settings.rounds}`);
    for (const [index, target] of targets.entries()) {
      measured[index]!.push(await measure(platform, target, settings, maxWaitMs));
    }
  }
  return targets.map((target, index) => ({
    engine: platform.engine,
    target: target.name,
    route: target.route,
    median: medianOf(measured[index]!),
    rounds: measured[index]!,
  }));
}

async function measure(
  platform: Platform,
  target: Target,
  settings: Settings,
  maxWaitMs: number,
): Promise<Measurement> {
  for (let attempt = 1; ; attempt++) {
    await target.prepare();
    await waitForQuietMachine(maxWaitMs);
    await target.load(settings.warmupSeconds);
    await target.prepare();
    const pids = await platform.pids();
    const meter = othersCpuMeter(() => pids);
    const cpuBefore = cpuMs(pids);
    const result = await target.load(settings.durationSeconds);
    const serverCpuMs = cpuMs(pids) - cpuBefore;
    const othersCpu = meter.stop();
    if (othersCpu > DISTURBED && attempt < 3) {
      console.log(`    ${target.name}: other processes used ${percent(othersCpu)} of the machine; again`);
      continue;
    }
    const responses = result.requests.total;
    const serverCores = serverCpuMs / 1000 / result.duration;
    const measurement: Measurement = {
      requestsPerSecond: result.requests.average,
      requestsPerSecondPerCore: serverCores > 0 ? result.requests.average / serverCores : Number.NaN,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      responses,
      non2xx: result.non2xx,
      errors: result.errors,
      serverCpuUsPerResponse: responses ? (serverCpuMs * 1000) / responses : Number.NaN,
      serverCores,
      othersCpu,
    };
    console.log(
      `    ${target.name}: ${Math.round(measurement.requestsPerSecond)} req/s, ${measurement.serverCores.toFixed(2)} cores, ${Math.round(measurement.requestsPerSecondPerCore)} req/s per core, ${Math.round(measurement.serverCpuUsPerResponse)} µs CPU/response`,
    );
    if (measurement.non2xx || measurement.errors) {
      console.log(`    warning: ${measurement.non2xx} non-2xx responses and ${measurement.errors} errors`);
    }
    return measurement;
  }
}

/** Each figure's median over the rounds; counts of failures are summed, others' CPU is the worst. */
function medianOf(rounds: Measurement[]): Measurement {
  const median = (pick: (m: Measurement) => number) => spread(rounds.map(pick)).median;
  const sum = (pick: (m: Measurement) => number) => rounds.reduce((total, m) => total + pick(m), 0);
  return {
    requestsPerSecond: median((m) => m.requestsPerSecond),
    requestsPerSecondPerCore: median((m) => m.requestsPerSecondPerCore),
    latencyMs: {
      p50: median((m) => m.latencyMs.p50),
      p99: median((m) => m.latencyMs.p99),
      max: Math.max(...rounds.map((m) => m.latencyMs.max)),
    },
    responses: sum((m) => m.responses),
    non2xx: sum((m) => m.non2xx),
    errors: sum((m) => m.errors),
    serverCpuUsPerResponse: median((m) => m.serverCpuUsPerResponse),
    serverCores: median((m) => m.serverCores),
    othersCpu: Math.max(...rounds.map((m) => m.othersCpu)),
  };
}

// ---------------------------------------------------------------------------------------------
// The parameters in force, from the stored hashes

const PHC_PARAMETERS = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$/;

function describeHash(stored: string | undefined): string | null {
  const match = stored ? PHC_PARAMETERS.exec(stored) : null;
  return match ? `${match[1]} m=${match[3]} KiB, t=${match[4]}, p=${match[5]}` : null;
}

async function hashParametersOnPostgres(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ password_hash: string }>(
      'select distinct substring(password_hash from 1 for 40) as password_hash from identity.staff_account',
    );
    return summariseHashes(rows.map((row) => row.password_hash));
  } finally {
    await client.end().catch(() => {});
  }
}

/** Opens the stopped server's embedded database with PGlite (a library, as @node-rs/argon2 is). */
async function hashParametersOnPGlite(dataDir: string): Promise<string | null> {
  const { PGlite } = await import('@electric-sql/pglite');
  const database = new PGlite(path.join(dataDir, 'pgdata'));
  try {
    const { rows } = await database.query<{ password_hash: string }>(
      'select distinct substring(password_hash from 1 for 40) as password_hash from identity.staff_account',
    );
    return summariseHashes(rows.map((row) => row.password_hash));
  } finally {
    await database.close();
  }
}

function summariseHashes(prefixes: string[]): string | null {
  const described = new Set(prefixes.map((prefix) => describeHash(prefix) ?? 'not argon2'));
  return described.size ? [...described].join('; ') : null;
}

// ---------------------------------------------------------------------------------------------
// Summing up and printing

function atKeycloakCost(rows: Row[], argon2: HashCost[]): IdentityFigures['signInsPerCoreAtKeycloakCost'] {
  const [ours, keycloak] = [argon2[0]!, argon2[1]!];
  const projected: IdentityFigures['signInsPerCoreAtKeycloakCost'] = {};
  for (const row of rows) {
    if (row.target !== 'sign-in') continue;
    const cpuMsPerSignIn = row.median.serverCpuUsPerResponse / 1000;
    projected[row.engine] = 1000 / (cpuMsPerSignIn - ours.cpuMsPerHash + keycloak.cpuMsPerHash);
  }
  return projected;
}

const ENGINE_LABEL: Record<Engine, string> = { pglite: 'PGlite (embedded)', postgres: 'PostgreSQL' };

export function printIdentity(figures: IdentityFigures): void {
  const s = figures.settings;
  const ours = figures.argon2[0]!;
  printTable(
    `argon2id on one core (@node-rs/argon2 hashSync in the bench process, ${s.argon2Hashes} hashes per set, alternating)`,
    ['parameters', 'm / t / p', 'ms per hash (median)', 'min – max', 'CPU ms per hash', 'hashes/s on one core', 'cost'],
    figures.argon2.map((cost) => [
      cost.name,
      `${cost.memoryKiB} KiB / ${cost.iterations} / ${cost.parallelism}`,
      cost.ms.median.toFixed(1),
      `${cost.ms.min.toFixed(1)} – ${cost.ms.max.toFixed(1)}`,
      cost.cpuMsPerHash.toFixed(1),
      cost.hashesPerSecondOnOneCore.toFixed(1),
      `${(cost.cpuMsPerHash / ours.cpuMsPerHash).toFixed(2)}×`,
    ]),
    `parameters of the stored hashes: ${Object.entries(figures.parametersInForce)
      .map(([engine, value]) => `${ENGINE_LABEL[engine as Engine]}: ${value ?? 'not read'}`)
      .join('; ')}`,
  );
  const rate = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');
  printTable(
    `Identity: autocannon, ${s.connections} connections, ${s.durationSeconds} s after a ${s.warmupSeconds} s warm-up, medians of ${s.rounds} rounds; huitong with LOG_LEVEL=${s.huitongLogLevel}`,
    [
      'database',
      'target',
      'req/s',
      'req/s by round',
      'server busy',
      'req/s per core',
      'server CPU/response',
      'p50',
      'p99',
      'non-2xx / errors',
      'others’ CPU',
    ],
    figures.rows.map(({ engine, target, route, median, rounds }) => [
      ENGINE_LABEL[engine],
      `${target}: ${route}`,
      rate(median.requestsPerSecond),
      rounds.map((m) => rate(m.requestsPerSecond)).join(', '),
      `${median.serverCores.toFixed(2)} cores`,
      rate(median.requestsPerSecondPerCore),
      `${(median.serverCpuUsPerResponse / 1000).toFixed(2)} ms`,
      `${median.latencyMs.p50} ms`,
      `${median.latencyMs.p99} ms`,
      `${median.non2xx} / ${median.errors}`,
      percent(median.othersCpu),
    ]),
    [
      'req/s per core: req/s ÷ server busy, the cores the server process (and its PostgreSQL backends) used during the run.',
      `others’ CPU: the most that processes other than the server and the bench took of the machine in a round; above ${percent(DISTURBED)} a measurement is repeated.`,
    ].join('\n'),
  );
  const keycloakCost = figures.argon2[1]!;
  for (const row of figures.rows) {
    const perCore = row.median.requestsPerSecondPerCore;
    if (row.target === 'sign-in') {
      const projected = figures.signInsPerCoreAtKeycloakCost[row.engine] ?? Number.NaN;
      console.log(
        `${ENGINE_LABEL[row.engine]}: ${perCore.toFixed(1)} sign-ins/s per core with hashes costing ${(ours.cpuMsPerHash / keycloakCost.cpuMsPerHash).toFixed(2)}× Keycloak's CPU (${projected.toFixed(1)} at Keycloak's cost); Keycloak ${figures.keycloakPerVcpu.signIns} per vCPU, aim ${figures.aimPerCore.signIns} per core: ${perCore >= figures.aimPerCore.signIns ? 'met' : 'missed'}`,
      );
    }
    if (row.target === 'client-credentials') {
      console.log(
        `${ENGINE_LABEL[row.engine]}: ${perCore.toFixed(0)} client-credential grants/s per core; Keycloak ${figures.keycloakPerVcpu.clientCredentials} per vCPU, aim ${figures.aimPerCore.clientCredentials} per core: ${perCore >= figures.aimPerCore.clientCredentials ? 'met' : 'missed'}`,
      );
    }
  }
  console.log('');
}

if (isEntryPoint(import.meta.url)) await main([identityBench]);
