/**
 * A worker killed with SIGKILL in the middle of delivering, then started again: every recorded
 * event must reach the outside world, a repeat may only be the same event again, and each
 * aggregate's events must first arrive in order. The worker is a child process (see
 * test/support/outbox-crash-child.ts) on a file-backed PGlite, or on the PostgreSQL test server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServerUrl } from '../../../test/support/database.js';
import { type Database, openDatabase } from '../db/database.js';

// The child runs in node itself with tsx as a loader, not through the `tsx` launcher: the launcher
// runs the script in a grandchild, which a SIGKILL of the launcher would leave running.
const TSX_LOADER = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const CHILD = fileURLToPath(new URL('../../../test/support/outbox-crash-child.ts', import.meta.url));
const EVENTS = 300;
const AGGREGATES = 10;

interface Line {
  eventId: number;
  aggregateId: string;
  seq: number;
}

let workDir: string;
let outputFile: string;
/** Where the child keeps its data: a PGlite data dir, or the URL of a fresh PostgreSQL database. */
let target: string;
let serverDatabase: TestDatabase | undefined;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'huitong-crash-'));
  outputFile = path.join(workDir, 'delivered.txt');
  if (testServerUrl) {
    serverDatabase = await createTestDatabase();
    target = serverDatabase.url!;
  } else {
    target = path.join(workDir, 'data');
  }
});
afterAll(async () => {
  await serverDatabase?.drop();
  await rm(workDir, { recursive: true, force: true });
});

function startChild(): { child: ChildProcess; exited: Promise<{ code: number | null; output: string }> } {
  const args = ['--import', TSX_LOADER, CHILD, outputFile, target, String(EVENTS), String(AGGREGATES)];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; output: string }>((resolve) => {
    child.on('exit', (code) => resolve({ code, output }));
  });
  return { child, exited };
}

async function readLines(): Promise<Line[]> {
  const text = await readFile(outputFile, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [eventId, aggregateId, seq] = line.split(' ');
      return { eventId: Number(eventId), aggregateId: aggregateId!, seq: Number(seq) };
    });
}

/**
 * Kills the child with SIGKILL once at least `events` distinct events are in the file, at a count
 * that is not a multiple of the child's batch size (10): most likely inside a batch, with lines
 * written for deliveries that are not committed yet. Returns the distinct events it had reached.
 */
async function killAfter(events: number): Promise<number> {
  const { child, exited } = startChild();
  const deadline = Date.now() + 60_000;
  let seen = 0;
  while (seen < events || seen % 10 === 0) {
    if (child.exitCode !== null) throw new Error(`the child exited before the kill:\n${(await exited).output}`);
    if (Date.now() > deadline) throw new Error(`the child delivered only ${seen} events`);
    await sleep(10);
    seen = await distinctEventsDelivered();
  }
  child.kill('SIGKILL');
  await exited;
  return distinctEventsDelivered();
}

async function distinctEventsDelivered(): Promise<number> {
  return new Set((await readLines()).map((line) => line.eventId)).size;
}

async function recordedEvents(): Promise<Line[]> {
  const read = async (database: Database) =>
    (
      await sql<Line>`
        select id as "eventId", aggregate_id as "aggregateId", (payload->>'seq')::int as seq
        from platform.outbox_event where type = 'test.crash.recorded' order by id`.execute(database.kysely)
    ).rows;
  if (serverDatabase) return read(serverDatabase.database);
  const database = await openDatabase({ dataDir: target });
  try {
    return await read(database);
  } finally {
    await database.close();
  }
}

describe('a dispatcher killed mid-delivery', () => {
  it('delivers every event after restarts, repeats only whole events, and keeps each aggregate in order', async () => {
    const atFirstKill = await killAfter(40);
    expect(atFirstKill).toBeLessThan(EVENTS);
    const atSecondKill = await killAfter(atFirstKill + 60);
    expect(atSecondKill).toBeLessThan(EVENTS);

    const { exited } = startChild();
    const { code, output } = await exited;
    expect(output).toContain('done');
    expect(code).toBe(0);

    const recorded = await recordedEvents();
    expect(recorded).toHaveLength(EVENTS);
    const lines = await readLines();
    const recordedById = new Map(recorded.map((event) => [event.eventId, event]));
    // Every line is a recorded event, whole: a repeat is the same event id with the same content.
    for (const line of lines) expect(line).toEqual(recordedById.get(line.eventId));
    expect(new Set(lines.map((line) => line.eventId))).toEqual(new Set(recordedById.keys()));

    const firstArrivals = new Map<string, number[]>();
    const seen = new Set<number>();
    for (const line of lines) {
      if (seen.has(line.eventId)) continue;
      seen.add(line.eventId);
      firstArrivals.set(line.aggregateId, [...(firstArrivals.get(line.aggregateId) ?? []), line.seq]);
    }
    const inOrder = Array.from({ length: EVENTS / AGGREGATES }, (_, seq) => seq);
    expect(firstArrivals.size).toBe(AGGREGATES);
    for (const seqs of firstArrivals.values()) expect(seqs).toEqual(inOrder);
  }, 240_000);
});
