/**
 * Cases (issue 5): window intake requests/s and the statistics dashboard's queries (p50/p95) over
 * `--cases` generated cases (default 1,000,000 over three years), on PGlite and on PostgreSQL.
 *
 * The platform is set up the operator's way, the same on both engines: `huitong migrate`, `seed --demo`,
 * `cases generate --count N --with-demo-catalogue` (timed: the generator's throughput), `access
 * bootstrap`, `identity set-password` for the security administrator, a window clerk of centre C01 and
 * a supervisor, then `huitong serve`; over HTTP the security administrator grants the clerk
 * `platform.window_clerk` at C01 and the supervisor `platform.supervisor` over the district.
 *
 * - intake: each connection in a loop takes an application in at C01 (`POST /api/cases/v1/cases`) and
 *   accepts it (`POST /cases/:id/accept`), for `--duration` seconds after a warm-up, at several
 *   concurrency levels; figures are cases taken in and accepted per second and the latency of each call;
 * - dashboard: each query of the supervisor's dashboard (statistics by department, centre, item and
 *   month over one and three years, the supervision overview by department and centre, the case list
 *   with a light filter, open alerts, open follow-ups) `--cases-repeat` times one after the other after
 *   three unmeasured runs; p50 and p95 of the response time as the client sees it.
 *
 *   tsx bench/cases.bench.ts [--cases 1000000] [--cases-repeat 50] [--cases-concurrency 1,8,32]
 *     [--duration 10] [--warmup 2] [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--max-wait 300]
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  assertBuilt,
  type Bench,
  BenchError,
  CookieJar,
  call,
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
  spawnServer,
  waitForQuietMachine,
  writeFigures,
} from './bench-kit.js';

const HUITONG_BIN = path.join(REPO_ROOT, 'bin/huitong.js');
const LOG_LEVEL = 'warn';
const SECURITY_ADMIN = 'HT000142';
/** The demo district's window clerk (C01) and supervisor (src/demo-access-seed.ts). */
const CLERK = 'HT000290';
const SUPERVISOR = 'HT000005';
const CENTRE = 'C01';
const DISTRICT = 'HT';
const API = '/api/cases/v1';
const AIM_P95_MS = 200;

type Engine = 'pglite' | 'postgres';

interface GenerateMeasurement {
  engine: Engine;
  cases: number;
  seconds: number;
  casesPerSecond: number;
  othersCpu: number;
}

interface IntakeMeasurement {
  engine: Engine;
  connections: number;
  casesPerSecond: number;
  requestsPerSecond: number;
  takeInMs: { p50: number; p95: number };
  acceptMs: { p50: number; p95: number };
  failures: number;
  othersCpu: number;
}

interface QueryMeasurement {
  engine: Engine;
  name: string;
  path: string;
  runs: number;
  p50: number;
  p95: number;
  max: number;
  othersCpu: number;
}

export interface CasesFigures {
  bench: 'cases';
  machine: MachineInfo;
  builtAt: string;
  settings: {
    cases: number;
    repeat: number;
    concurrency: number[];
    durationSeconds: number;
    warmupSeconds: number;
    postgres: string | undefined;
  };
  generate: GenerateMeasurement[];
  intake: IntakeMeasurement[];
  queries: QueryMeasurement[];
  aimP95Ms: number;
}

export const casesBench: Bench = {
  name: 'cases',
  flags: {
    cases: { type: 'string', default: '1000000' },
    'cases-repeat': { type: 'string', default: '50' },
    'cases-concurrency': { type: 'string', default: '1,8,32' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    postgres: { type: 'string' },
    'max-wait': { type: 'string', default: '300' },
    'cases-postgres-only': { type: 'boolean', default: false },
  },
  help: [
    '--cases N        cases bench: cases generated before measuring (default 1000000)',
    '--cases-repeat N cases bench: runs of each dashboard query (default 50)',
    '--cases-concurrency A,B  cases bench: intake connections per measurement (default 1,8,32)',
    '--duration S     seconds measured per target and round (default 10)',
    '--warmup S       seconds of load before each measurement, not counted (default 2)',
    '--postgres URL   also against PostgreSQL (a scratch database per run); or HUITONG_BENCH_DATABASE_URL',
    '--max-wait S     seconds to wait for other processes to leave the CPU before each run (default 300)',
    '--cases-postgres-only  cases bench: skip PGlite (its 1M-case generation takes a quarter of an hour)',
  ],
  async run(flags) {
    const concurrency = String(flags['cases-concurrency']).split(',').map(Number);
    if (concurrency.some((n) => !Number.isInteger(n) || n < 1))
      throw new BenchError('--cases-concurrency: whole numbers, e.g. 1,8,32');
    const settings = {
      cases: positiveNumber(flags, 'cases'),
      repeat: positiveNumber(flags, 'cases-repeat'),
      concurrency,
      durationSeconds: positiveNumber(flags, 'duration'),
      warmupSeconds: positiveNumber(flags, 'warmup'),
    };
    const maxWaitMs = positiveNumber(flags, 'max-wait') * 1000;
    const postgres = (flags.postgres as string | undefined) ?? process.env.HUITONG_BENCH_DATABASE_URL;
    const { builtAt } = assertBuilt();
    const machine = machineInfo();
    console.log(`\ncases bench: ${describeMachine(machine)}`);
    const figures: CasesFigures = {
      bench: 'cases',
      machine,
      builtAt,
      settings: { ...settings, postgres: postgres && redactUrl(postgres) },
      generate: [],
      intake: [],
      queries: [],
      aimP95Ms: AIM_P95_MS,
    };
    if (flags['cases-postgres-only'] && !postgres) throw new BenchError('--cases-postgres-only needs --postgres URL');
    const engines: Engine[] = postgres
      ? flags['cases-postgres-only']
        ? ['postgres']
        : ['pglite', 'postgres']
      : ['pglite'];
    for (const engine of engines) {
      const platform = await preparePlatform(engine, postgres, settings.cases, maxWaitMs, figures);
      try {
        for (const query of dashboardQueries()) {
          figures.queries.push(await measureQuery(platform, query, settings.repeat, maxWaitMs));
        }
        for (const connections of settings.concurrency) {
          figures.intake.push(await measureIntake(platform, connections, settings, maxWaitMs));
        }
      } finally {
        await platform.close();
      }
    }
    printCases(figures);
    console.log(`figures: ${writeFigures('cases', figures)}`);
  },
};

// ---------------------------------------------------------------------------------------------
// The platform

interface Platform {
  engine: Engine;
  server: ServerProcess;
  baseUrl: string;
  clerk: CookieJar;
  supervisor: CookieJar;
  /** An item C01 takes in whose form asks for the applicant's name, id number and phone. */
  itemCode: string;
  next: number;
  close(): Promise<void>;
}

async function preparePlatform(
  engine: Engine,
  postgres: string | undefined,
  count: number,
  maxWaitMs: number,
  figures: CasesFigures,
): Promise<Platform> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `huitong-bench-cases-${engine}-`));
  let scratch: ScratchDatabase | undefined;
  let server: ServerProcess | undefined;
  try {
    scratch =
      engine === 'postgres' ? await createScratchDatabase(postgres!, `huitong_bench_cases_${process.pid}`) : undefined;
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env: Record<string, string | undefined> = {
      PORT: String(port),
      HOST: '127.0.0.1',
      HUITONG_DATA_DIR: dataDir,
      DATABASE_URL: scratch?.url,
      HUITONG_DEMO_SEED: 'false',
      HUITONG_PUBLIC_URL: baseUrl,
      LOG_LEVEL,
      NATS_URL: undefined,
    };
    console.log(`  ${engine}: migrate, seed --demo, cases generate --count ${count}`);
    huitong(['migrate'], env);
    huitong(['seed', '--demo'], env);
    await waitForQuietMachine(maxWaitMs);
    const meter = othersCpuMeter(() => []);
    const started = performance.now();
    // The generator's progress bar goes to this terminal.
    huitong(['cases', 'generate', '--count', String(count), '--with-demo-catalogue'], env, '', true);
    const seconds = (performance.now() - started) / 1000;
    const generate = { engine, cases: count, seconds, casesPerSecond: count / seconds, othersCpu: meter.stop() };
    figures.generate.push(generate);
    console.log(
      `    ${Math.round(generate.casesPerSecond)} cases/s (${seconds.toFixed(0)} s; others used ${percent(generate.othersCpu)} of the machine)`,
    );
    const password = newPassword();
    huitong(['access', 'bootstrap', '--staff-no', SECURITY_ADMIN], env);
    for (const staffNo of [SECURITY_ADMIN, CLERK, SUPERVISOR]) {
      huitong(['identity', 'set-password', '--staff-no', staffNo], env, `${password}\n`);
    }
    server = await spawnServer({
      args: [HUITONG_BIN, 'serve'],
      env,
      port,
      readyPath: '/readyz',
      readyTimeoutMs: 600_000,
      ...(scratch ? { helperPids: scratch.backendPids } : {}),
    });
    const started_ = server;
    const database = scratch;
    const jars = await signIn(baseUrl, password);
    const platform: Platform = {
      engine,
      server,
      baseUrl,
      ...jars,
      itemCode: await intakeItem(baseUrl),
      next: 1,
      async close() {
        const stopped = await started_.stop();
        if (stopped.code !== 0) console.log(`  warning: the server exited with ${stopped.code ?? stopped.signal}`);
        await database?.drop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
    return platform;
  } catch (error) {
    await server?.stop();
    await scratch?.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The security administrator grants the clerk and the supervisor their roles; both sign in. */
async function signIn(baseUrl: string, password: string): Promise<{ clerk: CookieJar; supervisor: CookieJar }> {
  const admin = new CookieJar();
  const login = (jar: CookieJar, staffNo: string) =>
    call(baseUrl, 'POST', '/api/identity/v1/sign-in', `signing in as ${staffNo}`, {
      jar,
      json: { login: staffNo.toLowerCase(), password },
    });
  await login(admin, SECURITY_ADMIN);
  for (const [staffNo, roleCode, scope] of [
    [CLERK, 'platform.window_clerk', CENTRE],
    [SUPERVISOR, 'platform.supervisor', DISTRICT],
  ] as const) {
    const found = (await call(baseUrl, 'GET', `/api/directory/v1/people?q=${staffNo}`, `looking up ${staffNo}`, {
      jar: admin,
    })) as { items: Array<{ id: string; staffNo: string }> };
    const person = found.items.find((item) => item.staffNo === staffNo);
    if (!person) throw new BenchError(`${staffNo} is not in the demo directory`);
    await call(baseUrl, 'POST', '/api/access/v1/grants', `granting ${roleCode} to ${staffNo}`, {
      jar: admin,
      json: { roleCode, grantee: { kind: 'person', personId: person.id }, scopeOrgUnitCode: scope },
    });
  }
  const clerk = new CookieJar();
  const supervisor = new CookieJar();
  await login(clerk, CLERK);
  await login(supervisor, SUPERVISOR);
  return { clerk, supervisor };
}

/** The first published item C01 takes in with the short personal form (name, id number, phone). */
async function intakeItem(baseUrl: string): Promise<string> {
  for (let offset = 0; offset < 1000; offset += 100) {
    const page = (await call(
      baseUrl,
      'GET',
      `/api/services/v1/items?centre=${CENTRE}&limit=100&offset=${offset}`,
      'listing items',
    )) as {
      items: Array<{ code: string }>;
    };
    for (const { code } of page.items) {
      const item = (await call(baseUrl, 'GET', `/api/services/v1/items/${code}`, `reading ${code}`)) as {
        form: { required?: string[] };
      };
      if (JSON.stringify(item.form.required) === JSON.stringify(['name', 'idNumber', 'phone'])) return code;
    }
    if (page.items.length < 100) break;
  }
  throw new BenchError(`no published item at ${CENTRE} with the short personal form`);
}

/** Runs the `huitong` command to completion, or explains why it failed. */
function huitong(
  args: string[],
  overrides: Record<string, string | undefined>,
  input = '',
  showProgress = false,
): void {
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
      stdio: ['pipe', 'ignore', showProgress ? 'inherit' : 'pipe'],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').slice(-4_000);
    throw new BenchError(`\`huitong ${args.join(' ')}\` failed:\n${stderr}`);
  }
}

function newPassword(): string {
  for (;;) {
    const candidate = `Bench-${randomBytes(12).toString('base64url')}-7q`;
    if (!/(.)\1{3}/.test(candidate)) return candidate;
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface DashboardQuery {
  name: string;
  path: string;
}

const day = (offsetDays: number) =>
  new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

function dashboardQueries(): DashboardQuery[] {
  const yesterday = day(-1);
  const periods = [
    ['1 year', day(-365)],
    ['3 years', day(-3 * 365)],
  ] as const;
  const statistics = periods.flatMap(([label, from]) =>
    (['department', 'centre', 'item', 'month'] as const).map((by) => ({
      name: `statistics by ${by}, ${label}`,
      path: `${API}/statistics?from=${from}&to=${yesterday}&by=${by}`,
    })),
  );
  return [
    ...statistics,
    { name: 'supervision overview by department', path: `${API}/supervision/overview?by=department` },
    { name: 'supervision overview by centre', path: `${API}/supervision/overview?by=centre` },
    { name: 'cases, queue all, red light', path: `${API}/cases?queue=all&light=red&limit=20` },
    { name: 'alerts, open', path: `${API}/alerts?state=open&limit=20` },
    { name: 'follow-ups, open', path: `${API}/follow-ups?state=open&limit=20` },
  ];
}

async function measureQuery(
  platform: Platform,
  query: DashboardQuery,
  repeat: number,
  maxWaitMs: number,
): Promise<QueryMeasurement> {
  const headers = { cookie: platform.supervisor.header() };
  const once = async () => {
    const started = performance.now();
    const response = await fetch(`${platform.baseUrl}${query.path}`, { headers });
    const text = await response.text();
    if (response.status !== 200) throw new BenchError(`${query.name}: HTTP ${response.status}: ${text.slice(0, 500)}`);
    return performance.now() - started;
  };
  await waitForQuietMachine(maxWaitMs);
  for (let i = 0; i < 3; i++) await once();
  const meter = othersCpuMeter(() => []);
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) times.push(await once());
  const p = percentiles(times);
  const measurement = {
    engine: platform.engine,
    name: query.name,
    path: query.path,
    runs: repeat,
    ...p,
    othersCpu: meter.stop(),
  };
  console.log(`    ${platform.engine} ${query.name}: p50 ${p.p50.toFixed(1)} ms, p95 ${p.p95.toFixed(1)} ms`);
  return measurement;
}

/** A valid fictional resident id number per n (GB 11643 check digit). */
function residentId(n: number): string {
  const birth = new Date(Date.UTC(1960, 0, 1) + (n % 15_000) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '');
  const first17 = `110101${birth}${String(Math.floor(n / 15_000) % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((total, weight, index) => total + weight * Number(first17[index]), 0);
  return first17 + '10X98765432'[sum % 11]!;
}

async function measureIntake(
  platform: Platform,
  connections: number,
  settings: { durationSeconds: number; warmupSeconds: number },
  maxWaitMs: number,
): Promise<IntakeMeasurement> {
  const headers = { cookie: platform.clerk.header(), 'content-type': 'application/json' };
  const run = async (seconds: number) => {
    const takeIn: number[] = [];
    const accept: number[] = [];
    let failures = 0;
    const until = performance.now() + seconds * 1000;
    const worker = async () => {
      while (performance.now() < until) {
        const n = platform.next++;
        const idNumber = residentId(n);
        const phone = `139${String(n % 100_000_000).padStart(8, '0')}`;
        let started = performance.now();
        const created = await fetch(`${platform.baseUrl}${API}/cases`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            itemCode: platform.itemCode,
            centreCode: CENTRE,
            applicant: { kind: 'citizen', name: '王丽娟', idNumber, mobile: phone },
            form: { name: '王丽娟', idNumber, phone },
          }),
        });
        const body = (await created.json()) as { id?: string; version?: number };
        if (created.status !== 201) {
          failures++;
          continue;
        }
        takeIn.push(performance.now() - started);
        started = performance.now();
        const accepted = await fetch(`${platform.baseUrl}${API}/cases/${body.id}/accept`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ version: body.version }),
        });
        await accepted.arrayBuffer();
        if (accepted.status !== 200) failures++;
        else accept.push(performance.now() - started);
      }
    };
    const began = performance.now();
    await Promise.all(Array.from({ length: connections }, worker));
    return { takeIn, accept, failures, seconds: (performance.now() - began) / 1000 };
  };
  await waitForQuietMachine(maxWaitMs);
  await run(settings.warmupSeconds);
  const meter = othersCpuMeter(() => []);
  const result = await run(settings.durationSeconds);
  const othersCpu = meter.stop();
  const t = percentiles(result.takeIn);
  const a = percentiles(result.accept);
  const measurement: IntakeMeasurement = {
    engine: platform.engine,
    connections,
    casesPerSecond: result.accept.length / result.seconds,
    requestsPerSecond: (result.takeIn.length + result.accept.length) / result.seconds,
    takeInMs: { p50: t.p50, p95: t.p95 },
    acceptMs: { p50: a.p50, p95: a.p95 },
    failures: result.failures,
    othersCpu,
  };
  console.log(
    `    ${platform.engine} intake ×${connections}: ${measurement.casesPerSecond.toFixed(1)} cases/s (${measurement.requestsPerSecond.toFixed(1)} requests/s), ${result.failures} failures`,
  );
  return measurement;
}

function percentiles(values: number[]): { p50: number; p95: number; max: number } {
  if (values.length === 0) return { p50: Number.NaN, p95: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((x, y) => x - y);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]! };
}

// ---------------------------------------------------------------------------------------------
// Printing

const ENGINE_LABEL: Record<Engine, string> = { pglite: 'PGlite (embedded)', postgres: 'PostgreSQL' };
const millis = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 1 : 0)} ms` : '–');

export function printCases(figures: CasesFigures): void {
  const s = figures.settings;
  printTable(
    `Cases: \`huitong cases generate --count ${s.cases}\` (three years of the demo district)`,
    ['database', 'cases', 'took', 'cases/s', 'others’ CPU'],
    figures.generate.map((m) => [
      ENGINE_LABEL[m.engine],
      m.cases.toLocaleString('en-US'),
      `${m.seconds.toFixed(0)} s`,
      Math.round(m.casesPerSecond).toLocaleString('en-US'),
      percent(m.othersCpu),
    ]),
  );
  printTable(
    `Cases: window intake (POST /cases then POST /cases/:id/accept per case), ${s.durationSeconds} s after a ${s.warmupSeconds} s warm-up, over ${s.cases.toLocaleString('en-US')} cases`,
    [
      'database',
      'connections',
      'cases/s',
      'requests/s',
      'take in p50 / p95',
      'accept p50 / p95',
      'failures',
      'others’ CPU',
    ],
    figures.intake.map((m) => [
      ENGINE_LABEL[m.engine],
      String(m.connections),
      m.casesPerSecond.toFixed(1),
      m.requestsPerSecond.toFixed(1),
      `${millis(m.takeInMs.p50)} / ${millis(m.takeInMs.p95)}`,
      `${millis(m.acceptMs.p50)} / ${millis(m.acceptMs.p95)}`,
      String(m.failures),
      percent(m.othersCpu),
    ]),
  );
  printTable(
    `Cases: the supervisor's dashboard queries, ${s.repeat} runs each after 3 unmeasured, over ${s.cases.toLocaleString('en-US')} cases`,
    ['database', 'query', 'p50', 'p95', 'max', `p95 < ${figures.aimP95Ms} ms`, 'others’ CPU'],
    figures.queries.map((m) => [
      ENGINE_LABEL[m.engine],
      m.name,
      millis(m.p50),
      millis(m.p95),
      millis(m.max),
      m.p95 < figures.aimP95Ms ? 'yes' : 'no',
      percent(m.othersCpu),
    ]),
  );
  const postgres = figures.queries.filter((m) => m.engine === 'postgres');
  if (postgres.length > 0) {
    const missed = postgres.filter((m) => m.p95 >= figures.aimP95Ms);
    console.log(
      `PostgreSQL: every dashboard query p95 < ${figures.aimP95Ms} ms at ${s.cases.toLocaleString('en-US')} cases: ${missed.length === 0 ? 'met' : `missed (${missed.map((m) => m.name).join('; ')})`}\n`,
    );
  }
}

if (isEntryPoint(import.meta.url)) await main([casesBench]);
