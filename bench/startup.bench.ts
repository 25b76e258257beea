/**
 * Start-up: from spawning `node bin/huitong.js serve` to the first 200 from `/readyz`, on a fresh
 * empty data dir (the embedded database is created and migrated) and on a warm one (the same dir,
 * second start); the same against PostgreSQL when a server is given. Then the resident memory at
 * idle, and the time a SIGTERM takes to end the process (which must exit 0).
 *
 *   tsx bench/startup.bench.ts [--runs 5] [--idle 3] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
 *   (or HUITONG_BENCH_DATABASE_URL instead of --postgres)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  assertBuilt,
  type Bench,
  BenchError,
  createScratchDatabase,
  describeMachine,
  isEntryPoint,
  type MachineInfo,
  machineInfo,
  main,
  mib,
  ms,
  type NodeMemory,
  othersCpuMeter,
  type ProcMemory,
  percent,
  positiveNumber,
  printTable,
  redactUrl,
  type ServerProcess,
  type Spread,
  sleep,
  spread,
  startHuitong,
  timeHuitongCommand,
  waitForQuietMachine,
  writeFigures,
} from './bench-kit.js';

type Engine = 'pglite' | 'postgres';
type DataState = 'fresh' | 'warm';

interface StartRun {
  readyMs: number;
  /** Share of the machine other processes used during the start (0.5 = one core of two). */
  othersCpu: number;
  idle: ProcMemory;
  shutdownMs: number;
  exitCode: number | null;
  exitSignal: string | null;
}

interface Target {
  engine: Engine;
  dataDir: string;
  databaseUrl: string | undefined;
  helperPids?: () => Promise<number[]>;
  remove(): Promise<void>;
}

export interface StartupFigures {
  bench: 'startup';
  machine: MachineInfo;
  builtAt: string;
  settings: {
    runs: number;
    idleSeconds: number;
    logLevel: string;
    postgres: string | undefined;
    maxWaitSeconds: number;
  };
  /** `node bin/huitong.js --version`: process start and the import graph, no database, no server. */
  cliLoadMs: { runs: number[] } & Spread;
  starts: Array<{ engine: Engine; data: DataState; runs: StartRun[]; readyMs: Spread }>;
  /** One more warm start per engine, with a preload that reports `process.memoryUsage()`. */
  nodeMemory: Array<{ engine: Engine; proc: ProcMemory; node: NodeMemory }>;
}

const LOG_LEVEL = 'warn';
/** A start during which others used more than this share of the machine is repeated. */
const DISTURBED = 0.1;
const isDisturbed = (...starts: StartRun[]) => starts.some((start) => start.othersCpu > DISTURBED);

export const startupBench: Bench = {
  name: 'startup',
  flags: {
    runs: { type: 'string', default: '5' },
    idle: { type: 'string', default: '3' },
    postgres: { type: 'string' },
    'max-wait': { type: 'string', default: '300' },
  },
  help: [
    '--runs N         start-up bench: fresh and warm starts per engine (default 5)',
    '--idle S         start-up bench: seconds of idle before reading memory (default 3)',
    '--postgres URL   also against PostgreSQL (a scratch database per run); or HUITONG_BENCH_DATABASE_URL',
    '--max-wait S     seconds to wait for other processes to leave the CPU before each run (default 300)',
  ],
  async run(flags) {
    const runs = positiveNumber(flags, 'runs');
    const maxWaitSeconds = positiveNumber(flags, 'max-wait');
    const idleSeconds = positiveNumber(flags, 'idle');
    const postgres = (flags.postgres as string | undefined) ?? process.env.HUITONG_BENCH_DATABASE_URL;
    if (postgres) assertPostgresUrl(postgres);
    const { builtAt } = assertBuilt();
    const machine = machineInfo();
    console.log(`\nstart-up bench: ${describeMachine(machine)}`);

    const cliLoad: number[] = [];
    const starts: StartupFigures['starts'] = [];
    const nodeMemory: StartupFigures['nodeMemory'] = [];
    const engines: Engine[] = postgres ? ['pglite', 'postgres'] : ['pglite'];
    let rebuilds = 0;
    let disturbedRepeats = 0;

    for (const engine of engines) {
      const fresh: StartRun[] = [];
      const warm: StartRun[] = [];
      for (let run = 1; run <= runs; run++) {
        await waitForQuietMachine(maxWaitSeconds * 1000);
        // `huitong --version` rebuilds dist/ when a source changed since the last build (others may
        // be editing src/), so no timed start pays for a compile. Timed only when it did not build.
        const stampBefore = assertBuilt().builtAt;
        const meter = othersCpuMeter(() => []);
        const loadMs = timeHuitongCommand(['--version']);
        const othersDuringLoad = meter.stop();
        if (assertBuilt().builtAt !== stampBefore)
          console.log('  (dist/ was stale: huitong rebuilt it before this run)');
        else if (othersDuringLoad <= DISTURBED) cliLoad.push(loadMs);

        const target = await makeTarget(engine, postgres, run);
        try {
          const first = await measuredStart(target, idleSeconds);
          const second = await measuredStart(target, idleSeconds);
          if (first === 'rebuilt' || second === 'rebuilt') {
            if (++rebuilds > 3) throw new BenchError('dist/ keeps being rebuilt under the bench; try again later');
            console.log(`  ${engine} run ${run}: dist/ was rebuilt during the start; run discarded, repeating`);
            run--; // on a new target: the fresh start must find an empty data dir or database
            continue;
          }
          const disturbed = isDisturbed(first, second);
          if (disturbed && disturbedRepeats < runs * 3) {
            disturbedRepeats++;
            console.log(`  ${engine} run ${run}: other processes used the CPU during the start; repeating`);
            run--;
            continue;
          }
          fresh.push(first);
          warm.push(second);
          console.log(
            `  ${engine} run ${run}/${runs}: fresh ${ms(first.readyMs)}, warm ${ms(second.readyMs)}, idle RSS ${mib(second.idle.rssKiB)}${disturbed ? ' (disturbed, kept)' : ''}`,
          );
          if (run === runs) nodeMemory.push({ engine, ...(await probedStart(target, idleSeconds)) });
        } finally {
          await target.remove();
        }
      }
      starts.push({ engine, data: 'fresh', runs: fresh, readyMs: spread(fresh.map((r) => r.readyMs)) });
      starts.push({ engine, data: 'warm', runs: warm, readyMs: spread(warm.map((r) => r.readyMs)) });
    }

    const figures: StartupFigures = {
      bench: 'startup',
      machine,
      builtAt,
      settings: { runs, idleSeconds, logLevel: LOG_LEVEL, postgres: postgres && redactUrl(postgres), maxWaitSeconds },
      cliLoadMs: { runs: cliLoad, ...spread(cliLoad) },
      starts,
      nodeMemory,
    };
    printStartup(figures);
    console.log(`figures: ${writeFigures('startup', figures)}`);
  },
};

function assertPostgresUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new BenchError('--postgres / HUITONG_BENCH_DATABASE_URL is not a URL');
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new BenchError('--postgres / HUITONG_BENCH_DATABASE_URL must be a postgres:// URL');
  }
}

async function makeTarget(engine: Engine, postgres: string | undefined, run: number): Promise<Target> {
  // Every start gets a data dir (the blob store and the lock live there even on PostgreSQL).
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `huitong-bench-${engine}-`));
  if (engine === 'pglite') {
    return { engine, dataDir, databaseUrl: undefined, remove: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const scratch = await createScratchDatabase(postgres!, `huitong_bench_${process.pid}_${run}`);
  return {
    engine,
    dataDir,
    databaseUrl: scratch.url,
    helperPids: () => scratch.backendPids(),
    async remove() {
      await scratch.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function start(target: Target, nodeMemoryProbe = false): Promise<ServerProcess> {
  return startHuitong({
    dataDir: target.dataDir,
    databaseUrl: target.databaseUrl,
    logLevel: LOG_LEVEL,
    nodeMemoryProbe,
    ...(target.helperPids ? { helperPids: target.helperPids } : {}),
  });
}

/** One start: ready time, memory after `idleSeconds`, then a SIGTERM and the time to exit. */
async function measuredStart(target: Target, idleSeconds: number): Promise<StartRun | 'rebuilt'> {
  const server = await start(target);
  await sleep(idleSeconds * 1000);
  const idle = server.memory();
  const stopped = await server.stop();
  if (server.rebuilt) return 'rebuilt';
  if (stopped.code !== 0) {
    console.log(
      `  warning: SIGTERM ended the server with ${stopped.code ?? stopped.signal}, not 0:\n${server.output()}`,
    );
  }
  return {
    readyMs: server.readyMs,
    othersCpu: server.othersCpuDuringStart,
    idle,
    shutdownMs: stopped.shutdownMs,
    exitCode: stopped.code,
    exitSignal: stopped.signal,
  };
}

async function probedStart(target: Target, idleSeconds: number): Promise<{ proc: ProcMemory; node: NodeMemory }> {
  const server = await start(target, true);
  try {
    await sleep(idleSeconds * 1000);
    return { proc: server.memory(), node: await server.nodeMemory() };
  } finally {
    await server.stop();
  }
}

const ENGINE_LABEL: Record<Engine, string> = { pglite: 'PGlite (embedded)', postgres: 'PostgreSQL' };

export function printStartup(figures: StartupFigures): void {
  const median = (values: number[]) => spread(values).median;
  const rows = figures.starts.map(({ engine, data, runs, readyMs }) => [
    ENGINE_LABEL[engine],
    data,
    String(runs.length),
    ms(readyMs.min),
    ms(readyMs.median),
    ms(readyMs.max),
    mib(median(runs.map((r) => r.idle.rssKiB))),
    mib(median(runs.map((r) => r.idle.peakRssKiB))),
    ms(median(runs.map((r) => r.shutdownMs))),
    `${runs.filter((r) => r.exitCode === 0).length}/${runs.length}`,
    percent(Math.max(...runs.map((r) => r.othersCpu))),
  ]);
  const cli = figures.cliLoadMs;
  rows.push([
    'none: `huitong --version`',
    '–',
    String(cli.runs.length),
    ms(cli.min),
    ms(cli.median),
    ms(cli.max),
    '–',
    '–',
    '–',
    '–',
    '–',
  ]);
  printTable(
    `Start-up: spawn of \`node bin/huitong.js serve\` to the first 200 from /readyz (LOG_LEVEL=${figures.settings.logLevel}; memory after ${figures.settings.idleSeconds} s idle, medians)`,
    [
      'database',
      'data',
      'runs',
      'min',
      'median',
      'max',
      'idle RSS',
      'peak RSS',
      'SIGTERM → exit',
      'exit 0',
      'others’ CPU',
    ],
    rows,
    `others’ CPU: the most other processes took of the machine during one start; a start above ${percent(DISTURBED)} is run again.`,
  );
  if (figures.nodeMemory.length) {
    const mibBytes = (bytes: number) => mib(bytes / 1024);
    printTable(
      "Memory at idle, one more warm start with a preload reporting Node's process.memoryUsage()",
      ['database', 'RSS', 'anon / file RSS', 'V8 heap used / total', 'external', 'of which ArrayBuffers'],
      figures.nodeMemory.map(({ engine, proc, node }) => [
        ENGINE_LABEL[engine],
        mib(proc.rssKiB),
        `${mib(proc.rssAnonKiB)} / ${mib(proc.rssFileKiB)}`,
        `${mibBytes(node.heapUsed)} / ${mibBytes(node.heapTotal)}`,
        mibBytes(node.external),
        mibBytes(node.arrayBuffers),
      ]),
    );
  }
}

if (isEntryPoint(import.meta.url)) await main([startupBench]);
