/**
 * What every benchmark shares: the machine it ran on, starting a server process and timing it to
 * its first 200, reading its memory from /proc, stopping it, summing up runs, printing a table and
 * writing the figures as JSON under `.bench-out/`, and HTTP calls with a cookie jar.
 *
 * The benches see the platform only as an operator does: `node bin/huitong.js serve`, the
 * environment (PORT, HOST, HUITONG_DATA_DIR, DATABASE_URL, LOG_LEVEL) and `/healthz` + `/readyz`.
 * Nothing here imports from `src/`, so the platform may change freely underneath.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import pg from 'pg';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const HUITONG_BIN = path.join(REPO_ROOT, 'bin/huitong.js');
const BUILD_STAMP = path.join(REPO_ROOT, 'dist/.build-stamp');
const OUT_DIR = path.join(REPO_ROOT, '.bench-out');

/** A problem the user fixes (not built, database unreachable): printed without a stack trace. */
export class BenchError extends Error {
  override name = 'BenchError';
}

// ---------------------------------------------------------------------------------------------
// The machine and the build

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
  date: string;
}

export function machineInfo(): MachineInfo {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':')[1]!.trim();
  } catch {
    // not Linux: os.cpus() is the best we have
  }
  return {
    cpuModel,
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    date: new Date().toISOString(),
  };
}

export function describeMachine(machine: MachineInfo): string {
  return `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.kernel}, ${machine.date}`;
}

/** The benches measure the built platform; building is not part of any figure. */
export function assertBuilt(): { builtAt: string } {
  if (!existsSync(BUILD_STAMP)) {
    throw new BenchError(`the platform is not built (no dist/.build-stamp): run \`npm run build\` first`);
  }
  return { builtAt: readFileSync(BUILD_STAMP, 'utf8').trim() };
}

/** bin/huitong.js rebuilds dist/ when a source is newer than the build; say so when that is what failed. */
function explainBuildFailure(output: string): string {
  return output.includes('huitong: compiling')
    ? ' (src/ changed since the last build, bin/huitong.js rebuilt dist/ and the build failed: fix it, then `npm run build`)'
    : '';
}

function buildStampMtimeMs(): number {
  return existsSync(BUILD_STAMP) ? statSync(BUILD_STAMP).mtimeMs : 0;
}

// ---------------------------------------------------------------------------------------------
// Server processes

export interface ProcMemory {
  /** Resident set size now. */
  rssKiB: number;
  /** Peak resident set size since the process started (VmHWM). */
  peakRssKiB: number;
  /** Anonymous (heap, WASM memory) and file-backed (code, mapped files) parts of the RSS. */
  rssAnonKiB: number;
  rssFileKiB: number;
}

/** Node's own view of its memory (`process.memoryUsage()`), in bytes. */
export interface NodeMemory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly pid: number;
  readonly baseUrl: string;
  /** Milliseconds from spawn to the first 200 from the readiness URL. */
  readonly readyMs: number;
  /** Share of the machine other processes used while it started (see othersCpuMeter). */
  readonly othersCpuDuringStart: number;
  /** True when `bin/huitong.js` rebuilt dist/ on the way up: the start time includes a compile. */
  readonly rebuilt: boolean;
  memory(): ProcMemory;
  /** Only when started with `nodeMemoryProbe`. */
  nodeMemory(): Promise<NodeMemory>;
  /** SIGTERM, then waits for the exit; resolves with the exit status and how long it took. */
  stop(timeoutMs?: number): Promise<ExitStatus & { shutdownMs: number }>;
  /** The last lines the process printed, for error messages. */
  output(): string;
}

export interface SpawnServerOptions {
  /** Arguments to `node` (the script and its arguments). */
  args: string[];
  /** Variables added to the inherited environment; `undefined` removes one. */
  env: Record<string, string | undefined>;
  port: number;
  /** The path whose first 200 means the server is ready. */
  readyPath: string;
  readyTimeoutMs?: number;
  /**
   * Answers `process.memoryUsage()` over an IPC channel, from a one-line `--import` preload. It
   * does not touch the server's code, but it is one more module at start, so the timed runs go
   * without it.
   */
  nodeMemoryProbe?: boolean;
  /** Other processes working for this server (its PostgreSQL backends): their CPU is not "others'". */
  helperPids?: () => Promise<number[]>;
}

const MEMORY_PROBE =
  "data:text/javascript,process.on('message',(m)=>{if(m==='memoryUsage')process.send(process.memoryUsage())});process.channel?.unref();";

const live = new Set<ChildProcess>();
process.once('exit', () => {
  // A bench that throws must not leave servers behind holding ports and data dirs.
  for (const child of live) child.kill('SIGKILL');
});

export async function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(options.env)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const nodeArgs = options.nodeMemoryProbe ? ['--import', MEMORY_PROBE, ...options.args] : options.args;
  const baseUrl = `http://127.0.0.1:${options.port}`;

  const stampBefore = buildStampMtimeMs();
  let ours: number[] = [];
  const othersCpu = othersCpuMeter(() => ours);
  const started = performance.now();
  const child = spawn(process.execPath, nodeArgs, {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe', ...(options.nodeMemoryProbe ? (['ipc'] as const) : [])],
  });
  live.add(child);
  ours = [child.pid!];

  // Drain both pipes always (a full pipe would stall the server) and keep the tail for diagnostics.
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-16_384);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<ExitStatus>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  let exitStatus: ExitStatus | undefined;
  void exited.then((status) => {
    exitStatus = status;
  });

  const deadline = started + (options.readyTimeoutMs ?? 120_000);
  let readyAt: number | undefined;
  while (readyAt === undefined) {
    if (exitStatus) {
      throw new BenchError(
        `\`node ${options.args.join(' ')}\` exited (${exitStatus.code ?? exitStatus.signal}) before it was ready${explainBuildFailure(tail)}:\n${tail}`,
      );
    }
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new BenchError(`\`node ${options.args.join(' ')}\` was not ready within the timeout:\n${tail}`);
    }
    const status = await httpStatus(`${baseUrl}${options.readyPath}`);
    if (status === 200) readyAt = performance.now();
    else await sleep(10);
  }
  // Helpers born during the start (PostgreSQL backends) count with all the CPU they have used.
  if (options.helperPids) ours = [...ours, ...(await options.helperPids())];
  const othersCpuDuringStart = othersCpu.stop();

  const pid = child.pid!;
  return {
    pid,
    baseUrl,
    readyMs: readyAt - started,
    othersCpuDuringStart,
    rebuilt: buildStampMtimeMs() !== stampBefore || tail.includes('huitong: compiling'),
    memory: () => readProcMemory(pid),
    nodeMemory: () => {
      if (!options.nodeMemoryProbe) return Promise.reject(new Error('started without the memory probe'));
      return new Promise<NodeMemory>((resolve, reject) => {
        child.once('message', (message) => resolve(message as NodeMemory));
        child.send('memoryUsage', (error) => error && reject(error));
      });
    },
    async stop(timeoutMs = 30_000) {
      const stopping = performance.now();
      if (!exitStatus) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const status = await exited;
      clearTimeout(timer);
      return { ...status, shutdownMs: performance.now() - stopping };
    },
    output: () => tail,
  };
}

export interface HuitongOptions {
  /** The embedded database's home (PGlite); ignored when `databaseUrl` is given. */
  dataDir: string;
  databaseUrl?: string | undefined;
  logLevel?: string;
  nodeMemoryProbe?: boolean;
  helperPids?: () => Promise<number[]>;
}

/** `node bin/huitong.js serve` on a free port, ready when `/readyz` answers 200. */
export async function startHuitong(options: HuitongOptions): Promise<ServerProcess> {
  const port = await freePort();
  return spawnServer({
    args: [HUITONG_BIN, 'serve'],
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      HUITONG_DATA_DIR: options.dataDir,
      DATABASE_URL: options.databaseUrl,
      LOG_LEVEL: options.logLevel ?? 'warn',
    },
    port,
    readyPath: '/readyz',
    nodeMemoryProbe: options.nodeMemoryProbe ?? false,
    ...(options.helperPids ? { helperPids: options.helperPids } : {}),
  });
}

/** Runs the CLI to completion (no server) and returns how long it took: start-up cost without serving. */
export function timeHuitongCommand(args: string[]): number {
  const started = performance.now();
  try {
    execFileSync(process.execPath, [HUITONG_BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').slice(-4_000);
    throw new BenchError(`\`huitong ${args.join(' ')}\` failed${explainBuildFailure(stderr)}:\n${stderr}`);
  }
  return performance.now() - started;
}

/** A port nobody listens on right now (the kernel picks it; we release it for the server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The status of one GET, or 0 when nothing answers. No keep-alive: each poll is independent. */
function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(0));
  });
}

export function readProcMemory(pid: number): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return {
    rssKiB: kib('VmRSS'),
    peakRssKiB: kib('VmHWM'),
    rssAnonKiB: kib('RssAnon'),
    rssFileKiB: kib('RssFile'),
  };
}

// ---------------------------------------------------------------------------------------------
// Other people's CPU: a shared 2-core machine is only fit to measure on when it is quiet

/** Jiffies (USER_HZ = 100 on Linux) the whole machine spent busy and in total, from /proc/stat. */
function machineJiffies(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  return {
    busy: user + nice + system + irq + softirq + steal,
    total: user + nice + system + idle + iowait + irq + softirq + steal,
  };
}

/** CPU milliseconds the processes have used so far (USER_HZ = 100: one jiffy is 10 ms). */
export function cpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + processJiffies(pid), 0) * 10;
}

/** CPU jiffies of one process (and its reaped children), from /proc/<pid>/stat; 0 once it is gone. */
function processJiffies(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // utime, stime, cutime, cstime: fields 14-17 of proc(5), 11-14 once pid and comm are cut off
    return fields[11]! + fields[12]! + fields[13]! + fields[14]!;
  } catch {
    return 0;
  }
}

/** This process and the children it has reaped (a `huitong --version` run by execFileSync is ours). */
const selfJiffies = () => processJiffies(process.pid);

/**
 * Measures how much of the machine something other than this process and `pids` used between
 * now and `stop()`, as a fraction of all cores (0.5 = one core of two). A start-up or a load run
 * that shared the CPU with someone's test suite is not a figure.
 */
export function othersCpuMeter(pids: () => number[]): { stop(): number } {
  const ours = () => selfJiffies() + pids().reduce((sum, pid) => sum + processJiffies(pid), 0);
  const machineBefore = machineJiffies();
  const oursBefore = ours();
  return {
    stop() {
      const machineAfter = machineJiffies();
      const total = machineAfter.total - machineBefore.total;
      const others = machineAfter.busy - machineBefore.busy - (ours() - oursBefore);
      return total > 0 ? Math.max(0, others / total) : 0;
    },
  };
}

/** Above this share of the machine used by others, we wait before measuring. */
export const QUIET_THRESHOLD = 0.05;

/** Waits until others use less than QUIET_THRESHOLD of the machine for 2 s, or `maxWaitMs` passes. */
export async function waitForQuietMachine(maxWaitMs: number): Promise<void> {
  const deadline = performance.now() + maxWaitMs;
  let said = false;
  for (;;) {
    const meter = othersCpuMeter(() => []);
    await sleep(2_000);
    const others = meter.stop();
    if (others < QUIET_THRESHOLD) return;
    if (performance.now() > deadline) {
      console.log(`  warning: the machine is still busy (others use ${percent(others)} of it); measuring anyway`);
      return;
    }
    if (!said) console.log(`  waiting: other processes use ${percent(others)} of the machine…`);
    said = true;
  }
}

export const percent = (fraction: number) => `${Math.round(fraction * 100)} %`;

// ---------------------------------------------------------------------------------------------
// PostgreSQL scratch databases

export interface ScratchDatabase {
  url: string;
  /** The server processes serving connections to this database: they work for the platform under test. */
  backendPids(): Promise<number[]>;
  drop(): Promise<void>;
}

/** Creates an empty database next to the one `adminUrl` names; `drop()` removes it. */
export async function createScratchDatabase(adminUrl: string, name: string): Promise<ScratchDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
  const admin = async (statement: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: adminUrl });
    try {
      await client.connect();
      return (await client.query(statement, values)).rows as Array<Record<string, unknown>>;
    } catch (error) {
      throw new BenchError(`PostgreSQL (${redactUrl(adminUrl)}): ${(error as Error).message}`);
    } finally {
      await client.end().catch(() => {});
    }
  };
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    backendPids: async () =>
      (await admin('select pid from pg_stat_activity where datname = $1', [name])).map((row) => Number(row.pid)),
    drop: async () => {
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

// ---------------------------------------------------------------------------------------------
// Figures, tables, output

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export function spread(values: number[]): Spread {
  if (values.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = Number.isInteger(middle) ? (sorted[middle - 1]! + sorted[middle]!) / 2 : sorted[Math.floor(middle)]!;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

export const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value).toLocaleString('en-US')} ms` : '–');
export const mib = (kib: number) => (Number.isFinite(kib) ? `${Math.round(kib / 1024)} MiB` : '–');

/** A Markdown table: readable in a terminal and pasted as is into docs/benchmarks.md. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function printTable(title: string, headers: string[], rows: string[][], note?: string): void {
  console.log(`\n${title}\n\n${formatTable(headers, rows)}\n${note ? `\n${note}\n` : ''}`);
}

/** Writes `.bench-out/<name>.json` and returns its path. */
export function writeFigures(name: string, figures: unknown): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
  return file;
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

// ---------------------------------------------------------------------------------------------
// Command line

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

/** A bench: its flags (with defaults) and what it does with them. `run.ts` runs several in turn. */
export interface Bench {
  name: string;
  flags: FlagSpec;
  /** One line per flag for `--help`. */
  help: string[];
  run(flags: Record<string, string | boolean | undefined>): Promise<void>;
}

export function parseFlags(flags: FlagSpec, argv: string[]): Record<string, string | boolean | undefined> {
  try {
    const { values } = parseArgs({ args: argv, options: { ...flags, help: { type: 'boolean' } }, strict: true });
    return values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new BenchError((error as Error).message);
  }
}

export function positiveNumber(flags: Record<string, string | boolean | undefined>, name: string): number {
  const value = Number(flags[name]);
  if (!Number.isFinite(value) || value <= 0) throw new BenchError(`--${name} must be a positive number`);
  return value;
}

/** Runs benches from the command line: `--help`, flags, and a readable error instead of a stack. */
export async function main(benches: Bench[], argv = process.argv.slice(2)): Promise<void> {
  try {
    const flags = parseFlags(Object.assign({}, ...benches.map((bench) => bench.flags)), argv);
    if (flags.help) {
      console.log(['options:', ...new Set(benches.flatMap((bench) => bench.help))].join('\n  '));
      return;
    }
    for (const bench of benches) await bench.run(flags);
  } catch (error) {
    if (!(error instanceof BenchError)) throw error;
    console.error(`bench: ${error.message}`);
    process.exitCode = 1;
  }
}

/** True when `moduleUrl` is the script node (or tsx) was started with. */
export function isEntryPoint(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(path.resolve(process.argv[1])).href;
}

// ---------------------------------------------------------------------------------------------
// HTTP without a client library

/** Cookies by name, as a browser on one site would keep them (paths ignored: the flows run one at a time). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const equals = pair.indexOf('=');
      if (equals < 1) continue;
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', val = ''] = attribute.trim().split('=');
        if (/^max-age$/i.test(key)) return Number(val) <= 0;
        if (/^expires$/i.test(key)) return Date.parse(val) <= Date.now();
        return false;
      });
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export interface RequestOptions {
  jar?: CookieJar;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

/** What a request answered, redirects not followed (their Location is in `location`). */
export interface Answer {
  status: number;
  location: string | null;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  body: unknown;
  text: string;
}

/** One request, any status; cookies go to and come from the jar. */
export async function send(
  baseUrl: string,
  method: string,
  pathOrUrl: string,
  options: RequestOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const cookie = options.jar?.header();
  if (cookie) headers.cookie = cookie;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await fetch(new URL(pathOrUrl, baseUrl), { method, headers, body, redirect: 'manual' });
  options.jar?.store(response);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, location: response.headers.get('location'), body: parsed, text };
}

/** One request that must answer 2xx; its JSON body. */
export async function call(
  baseUrl: string,
  method: string,
  pathname: string,
  what: string,
  options: RequestOptions = {},
): Promise<unknown> {
  const answer = await send(baseUrl, method, pathname, options);
  if (answer.status < 200 || answer.status >= 300) {
    throw new BenchError(`${what}: HTTP ${answer.status}: ${answer.text.slice(0, 1_000)}`);
  }
  return answer.body;
}
