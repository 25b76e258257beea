/**
 * HTTP: requests per second and latency of `GET /healthz` on the running platform, against a bare
 * Fastify hello-world (bench/fastify-hello.ts) measured in the same run with the same settings;
 * the ratio of the two is the headline. `GET /readyz` (one database round trip or two) is a
 * second row, on PostgreSQL too when a server is given.
 *
 * Each server is its own process; autocannon runs in this one. Every measurement is preceded by
 * a warm-up of the same target whose figures are thrown away (JIT, connection set-up). The
 * targets take turns for a few rounds and each figure is the median over the rounds; the ratio is
 * the median of the per-round ratios, so a machine that slows down for a minute (this is a shared
 * VM) moves both sides of it.
 *
 *   tsx bench/http.bench.ts [--connections 50] [--pipelining 1] [--duration 10] [--warmup 2] [--rounds 3]
 *                           [--postgres postgres://postgres@127.0.0.1:5432/postgres]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon, { type Result } from 'autocannon';
import {
  assertBuilt,
  type Bench,
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
  type ServerProcess,
  spawnServer,
  spread,
  startHuitong,
  waitForQuietMachine,
  writeFigures,
} from './bench-kit.js';

const LOG_LEVEL = 'warn';
/** A measurement is repeated (up to twice) when others used more than this share of the machine. */
const DISTURBED = 0.1;

interface Settings {
  connections: number;
  pipelining: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
}

/** One autocannon run against one target. */
interface Measurement {
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  bytesPerResponse: number;
  responses: number;
  non2xx: number;
  errors: number;
  /** CPU the server (with its PostgreSQL backends) spent per response, in microseconds. */
  serverCpuUsPerResponse: number;
  /** Cores the server kept busy: near 1 means the server was the bottleneck (Node runs JS on one). */
  serverCores: number;
  /** Share of the machine used by processes other than the servers and the load generator. */
  othersCpu: number;
}

/** A target's figures: the median over the rounds of each, and every round as measured. */
interface Row {
  server: string;
  route: string;
  median: Measurement;
  rounds: Measurement[];
}

export interface HttpFigures {
  bench: 'http';
  machine: MachineInfo;
  builtAt: string;
  settings: Settings & { huitongLogLevel: string; postgres: string | undefined; maxWaitSeconds: number };
  rows: Row[];
  /** huitong /healthz requests/s ÷ bare Fastify requests/s: the median of the per-round ratios. */
  healthzRatio: number;
  /** The same for server CPU per response, bare ÷ huitong (so lower is slower, like the other). */
  healthzCpuRatio: number;
}

interface Target {
  server: string;
  url: string;
  /** The processes doing this target's work: the server, and its PostgreSQL backends. */
  pids: () => Promise<number[]>;
}

export const httpBench: Bench = {
  name: 'http',
  flags: {
    connections: { type: 'string', default: '50' },
    pipelining: { type: 'string', default: '1' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    postgres: { type: 'string' },
    'max-wait': { type: 'string', default: '300' },
  },
  help: [
    '--connections N  HTTP bench: concurrent connections (default 50)',
    '--pipelining N   HTTP bench: requests in flight per connection (default 1)',
    '--duration S     HTTP bench: seconds measured per target and round (default 10)',
    '--warmup S       HTTP bench: seconds of load before each measurement, not counted (default 2)',
    '--rounds N       HTTP bench: the targets take turns N times; figures are medians (default 3)',
    '--postgres URL   also against PostgreSQL (a scratch database per run); or HUITONG_BENCH_DATABASE_URL',
    '--max-wait S     seconds to wait for other processes to leave the CPU before each run (default 300)',
  ],
  async run(flags) {
    const settings: Settings = {
      connections: positiveNumber(flags, 'connections'),
      pipelining: positiveNumber(flags, 'pipelining'),
      durationSeconds: positiveNumber(flags, 'duration'),
      warmupSeconds: positiveNumber(flags, 'warmup'),
      rounds: positiveNumber(flags, 'rounds'),
    };
    const maxWaitMs = positiveNumber(flags, 'max-wait') * 1000;
    const postgres = (flags.postgres as string | undefined) ?? process.env.HUITONG_BENCH_DATABASE_URL;
    const { builtAt } = assertBuilt();
    const machine = machineInfo();
    console.log(`\nHTTP bench: ${describeMachine(machine)}`);

    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'huitong-bench-http-'));
    const servers: ServerProcess[] = [];
    const scratch = postgres ? await createScratchDatabase(postgres, `huitong_bench_http_${process.pid}`) : undefined;
    let rows: Row[];
    try {
      const helloPort = await freePort();
      const hello = await spawnServer({
        args: ['--import', 'tsx', path.join(REPO_ROOT, 'bench/fastify-hello.ts')],
        env: { PORT: String(helloPort), HOST: '127.0.0.1' },
        port: helloPort,
        readyPath: '/',
      });
      servers.push(hello);
      const huitong = await startHuitong({ dataDir, logLevel: LOG_LEVEL });
      servers.push(huitong);
      const only = (pid: number) => async () => [pid];
      const targets: Target[] = [
        { server: 'bare Fastify', url: `${hello.baseUrl}/`, pids: only(hello.pid) },
        { server: 'huitong, PGlite', url: `${huitong.baseUrl}/healthz`, pids: only(huitong.pid) },
        { server: 'huitong, PGlite', url: `${huitong.baseUrl}/readyz`, pids: only(huitong.pid) },
      ];
      // The PostgreSQL backends serving the platform are part of the system under test.
      const backends = async () => (await scratch?.backendPids()) ?? [];
      if (scratch) {
        const onPostgres = await startHuitong({
          dataDir: await mkdtemp(path.join(dataDir, 'pg-')),
          databaseUrl: scratch.url,
          logLevel: LOG_LEVEL,
        });
        servers.push(onPostgres);
        const withBackends = async () => [onPostgres.pid, ...(await backends())];
        targets.push({ server: 'huitong, PostgreSQL', url: `${onPostgres.baseUrl}/readyz`, pids: withBackends });
      }
      const all = async () => [...servers.map((server) => server.pid), ...(await backends())];

      const measured = targets.map((): Measurement[] => []);
      for (let round = 1; round <= settings.rounds; round++) {
        console.log(`  round ${round}/${settings.rounds}`);
        for (const [index, target] of targets.entries()) {
          measured[index]!.push(await measure(target, settings, all, maxWaitMs));
        }
      }
      rows = targets.map((target, index) => ({
        server: target.server,
        route: new URL(target.url).pathname,
        median: medianOf(measured[index]!),
        rounds: measured[index]!,
      }));
    } finally {
      for (const server of servers.reverse()) {
        const stopped = await server.stop();
        if (stopped.code !== 0) {
          console.log(`  warning: a server exited with ${stopped.code ?? stopped.signal} on SIGTERM`);
        }
      }
      await scratch?.drop();
      await rm(dataDir, { recursive: true, force: true });
    }

    const [bare, healthz] = [rows[0]!.rounds, rows[1]!.rounds];
    const figures: HttpFigures = {
      bench: 'http',
      machine,
      builtAt,
      settings: {
        ...settings,
        huitongLogLevel: LOG_LEVEL,
        postgres: postgres && redactUrl(postgres),
        maxWaitSeconds: maxWaitMs / 1000,
      },
      rows,
      healthzRatio: spread(healthz.map((h, i) => h.requestsPerSecond / bare[i]!.requestsPerSecond)).median,
      healthzCpuRatio: spread(healthz.map((h, i) => bare[i]!.serverCpuUsPerResponse / h.serverCpuUsPerResponse)).median,
    };
    printHttp(figures);
    console.log(`figures: ${writeFigures('http', figures)}`);
  },
};

async function measure(
  target: Target,
  settings: Settings,
  allServerPids: () => Promise<number[]>,
  maxWaitMs: number,
): Promise<Measurement> {
  const { server, url } = target;
  const route = new URL(url).pathname;
  const load = (duration: number) =>
    autocannon({ url, connections: settings.connections, pipelining: settings.pipelining, duration });
  for (let attempt = 1; ; attempt++) {
    await waitForQuietMachine(maxWaitMs);
    await load(settings.warmupSeconds);
    const ours = await allServerPids();
    const targetPids = await target.pids();
    const meter = othersCpuMeter(() => ours);
    const cpuBefore = cpuMs(targetPids);
    const result: Result = await load(settings.durationSeconds);
    const serverCpuMs = cpuMs(targetPids) - cpuBefore;
    const othersCpu = meter.stop();
    if (othersCpu > DISTURBED && attempt < 3) {
      console.log(`    ${server} GET ${route}: other processes used ${percent(othersCpu)} of the machine; again`);
      continue;
    }
    const responses = result.requests.total;
    const measurement: Measurement = {
      requestsPerSecond: result.requests.average,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      bytesPerResponse: responses ? result.throughput.total / responses : Number.NaN,
      responses,
      non2xx: result.non2xx,
      errors: result.errors,
      serverCpuUsPerResponse: responses ? (serverCpuMs * 1000) / responses : Number.NaN,
      serverCores: serverCpuMs / 1000 / result.duration,
      othersCpu,
    };
    console.log(
      `    ${server} GET ${route}: ${Math.round(measurement.requestsPerSecond)} req/s, p50 ${measurement.latencyMs.p50} ms, ${Math.round(measurement.serverCpuUsPerResponse)} µs CPU/response`,
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
    latencyMs: {
      p50: median((m) => m.latencyMs.p50),
      p99: median((m) => m.latencyMs.p99),
      max: Math.max(...rounds.map((m) => m.latencyMs.max)),
    },
    bytesPerResponse: median((m) => m.bytesPerResponse),
    responses: sum((m) => m.responses),
    non2xx: sum((m) => m.non2xx),
    errors: sum((m) => m.errors),
    serverCpuUsPerResponse: median((m) => m.serverCpuUsPerResponse),
    serverCores: median((m) => m.serverCores),
    othersCpu: Math.max(...rounds.map((m) => m.othersCpu)),
  };
}

export function printHttp(figures: HttpFigures): void {
  const s = figures.settings;
  const reqs = (m: Measurement) => Math.round(m.requestsPerSecond).toLocaleString('en-US');
  printTable(
    `HTTP: autocannon, ${s.connections} connections, pipelining ${s.pipelining}, ${s.durationSeconds} s after a ${s.warmupSeconds} s warm-up, medians of ${s.rounds} rounds; huitong with LOG_LEVEL=${s.huitongLogLevel}`,
    [
      'server',
      'route',
      'req/s',
      'req/s by round',
      'p50',
      'p99',
      'max',
      'server CPU/response',
      'server busy',
      'bytes/response',
      'non-2xx / errors',
      'others’ CPU',
    ],
    figures.rows.map(({ server, route, median, rounds }) => [
      server,
      `GET ${route}`,
      reqs(median),
      rounds.map(reqs).join(', '),
      `${median.latencyMs.p50} ms`,
      `${median.latencyMs.p99} ms`,
      `${median.latencyMs.max} ms`,
      `${Math.round(median.serverCpuUsPerResponse)} µs`,
      `${median.serverCores.toFixed(2)} cores`,
      String(Math.round(median.bytesPerResponse)),
      `${median.non2xx} / ${median.errors}`,
      percent(median.othersCpu),
    ]),
    [
      'server CPU/response: CPU time of the server process (and its PostgreSQL backends) per response; server busy: cores it kept busy (its JavaScript runs on one).',
      `max: the slowest response in any round. others’ CPU: the most that processes other than the servers and autocannon took of the machine in a round; above ${percent(DISTURBED)} a measurement is repeated.`,
    ].join('\n'),
  );
  console.log(
    `huitong /healthz ÷ bare Fastify: ${figures.healthzRatio.toFixed(2)} of the requests per second, ${figures.healthzCpuRatio.toFixed(2)} of the responses per CPU-second\n`,
  );
}

if (isEntryPoint(import.meta.url)) await main([httpBench]);
