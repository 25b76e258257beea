/**
 * The exchange under faults. A server killed with SIGKILL in the middle of a burst of publishes,
 * then started again while the publisher re-sends what it was not sure of: every accepted message is
 * delivered, none is lost, a repeat is only the same event again, and each partition key arrives in
 * order. A subscriber whose endpoint is down for a while gets everything once it is back, in per-key
 * order. The server is a child process (test/support/exchange-crash-child.ts) on a file-backed
 * PGlite, or on the PostgreSQL test server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyMessageLog } from '../src/modules/exchange/index.js';
import { openDatabase } from '../src/platform/db/database.js';
import { residentIdCheckCharacter } from '../src/platform/identifiers/resident-id.js';
import { createTestDatabase, type TestDatabase, testServerUrl } from './support/database.js';

const TSX_LOADER = new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const CHILD = fileURLToPath(new URL('./support/exchange-crash-child.ts', import.meta.url));
const KEYS = 8;
const PER_KEY = 25;

interface Arrival {
  id: string;
  key: string;
  n: number;
}

let workDir: string;
let target: string;
let serverDatabase: TestDatabase | undefined;
let hook: Server;
let hookUrl: string;
let hookDown = false;
const arrivals: Arrival[] = [];
let running: ChildProcess | undefined;
let publisherSecret = '';

function residentId(key: number): string {
  const first17 = `1101051980010100${key}`;
  return first17 + residentIdCheckCharacter(first17);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'huitong-exchange-crash-'));
  if (testServerUrl) {
    serverDatabase = await createTestDatabase({ migrate: false });
    target = serverDatabase.url!;
  } else {
    target = path.join(workDir, 'data');
  }
  hook = createServer(async (request, response) => {
    const body = await readBody(request);
    if (hookDown) {
      response.writeHead(503).end();
      return;
    }
    const event = JSON.parse(body) as { id: string; subject: string };
    const [key, n] = event.subject.split(':');
    arrivals.push({ id: event.id, key: key!, n: Number(n) });
    response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
});

afterEach(() => {
  running?.kill('SIGKILL');
});

afterAll(async () => {
  await new Promise((resolve) => hook.close(resolve));
  await serverDatabase?.drop();
  await rm(workDir, { recursive: true, force: true });
});

async function runChild(
  mode: 'setup' | 'serve',
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; first: Record<string, unknown> }> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CHILD, mode, target, workDir, hookUrl], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  running = child;
  let output = '';
  const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.stderr!.on('data', (chunk) => {
      output += chunk;
    });
    child.on('exit', (code) => reject(new Error(`child ${mode} exited with ${code}:\n${output}`)));
  });
  return { child, first };
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

async function accessToken(port: number, secret: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/oidc/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`gaj-rkxt:${secret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials&scope=exchange',
  });
  if (!response.ok) throw new Error(`token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

function cloudEvent(key: number, n: number) {
  return {
    specversion: '1.0',
    id: `k${key}-${String(n).padStart(3, '0')}`,
    source: 'gaj-rkxt',
    type: 'huitong.population-basic.v1',
    subject: `k${key}:${n}`,
    partitionkey: residentId(key),
    data: { idNumber: residentId(key), name: '张三', sex: '1', birthDate: '1980-01-01', domicileDivision: '110105' },
  };
}

/**
 * One lane per key, each publishing its key's events in order; returns the ids the server accepted
 * (answered 2xx). Stops quietly when the server is gone.
 */
async function publishLanes(port: number, token: string, options: { from: (key: number) => number }) {
  const accepted = new Set<string>();
  await Promise.all(
    Array.from({ length: KEYS }, async (_, key) => {
      for (let n = options.from(key); n < PER_KEY; n++) {
        try {
          const response = await fetch(`http://127.0.0.1:${port}/api/exchange/v1/messages`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' },
            body: JSON.stringify(cloudEvent(key, n)),
          });
          if (response.status >= 300) throw new Error(`publish: ${response.status} ${await response.text()}`);
          accepted.add(cloudEvent(key, n).id);
        } catch (error) {
          if (error instanceof TypeError) return; // the server is gone: this lane stops, unsure of event n
          throw error;
        }
      }
    }),
  );
  return accepted;
}

function expectPerKeyOrder(): void {
  for (let key = 0; key < KEYS; key++) {
    const firsts: number[] = [];
    for (const arrival of arrivals) {
      if (arrival.key === `k${key}` && !firsts.includes(arrival.n)) firsts.push(arrival.n);
    }
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
  }
}

async function waitForArrivals(ids: Set<string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (![...ids].every((id) => arrivals.some((arrival) => arrival.id === id))) {
    if (Date.now() > deadline) {
      const missing = [...ids].filter((id) => !arrivals.some((arrival) => arrival.id === id));
      throw new Error(`not delivered: ${missing.slice(0, 10).join(', ')} (${missing.length})`);
    }
    await sleep(50);
  }
}

describe('the exchange under faults', () => {
  it('loses nothing when the server is killed mid-burst, and repeats only whole events', async () => {
    const setup = await runChild('setup');
    const secret = setup.first.clientSecret as string;
    publisherSecret = secret;
    await new Promise((resolve) => setup.child.once('exit', resolve));

    const first = await runChild('serve');
    const port = first.first.port as number;
    const token = await accessToken(port, secret);
    const burst = publishLanes(port, token, { from: () => 0 });
    // Kill once some, not all, have been accepted: most likely with publishes and pushes in flight.
    while (arrivals.length < 40) await sleep(5);
    await stopChild(first.child, 'SIGKILL');
    const acceptedBeforeKill = await burst;
    expect(acceptedBeforeKill.size).toBeGreaterThan(0);
    expect(acceptedBeforeKill.size).toBeLessThan(KEYS * PER_KEY);

    // The publisher re-sends everything it was not told was accepted, from the start of each key.
    const second = await runChild('serve');
    const port2 = second.first.port as number;
    const token2 = await accessToken(port2, secret);
    const accepted = await publishLanes(port2, token2, { from: () => 0 });
    expect(accepted.size).toBe(KEYS * PER_KEY);
    await waitForArrivals(accepted, 60_000);

    // Every event arrived; a repeat is the same event id again (its content is the id's own), never a new message.
    const ids = new Set(arrivals.map((arrival) => arrival.id));
    expect(ids.size).toBe(KEYS * PER_KEY);
    for (const arrival of arrivals) expect(arrival.id).toBe(`${arrival.key}-${String(arrival.n).padStart(3, '0')}`);
    expectPerKeyOrder();
    await stopChild(second.child, 'SIGTERM');

    const database = serverDatabase ? serverDatabase.database : await openDatabase({ dataDir: target });
    try {
      const log = await verifyMessageLog(database.kysely);
      expect(log).toMatchObject({ ok: true, checked: KEYS * PER_KEY });
    } finally {
      if (!serverDatabase) await database.close();
    }
  }, 180_000);

  it('delivers everything, in per-key order, to an endpoint that was down for a while', async () => {
    arrivals.length = 0;
    hookDown = true;
    // The same server, its retries capped at 2 s, so the test waits seconds where production waits minutes.
    const server = await runChild('serve', { HUITONG_EXCHANGE_RETRY_MAX_MS: '2000' });
    const port = server.first.port as number;
    const token = await accessToken(port, publisherSecret);
    const sent = new Set<string>();
    for (let n = 100; n < 106; n++) {
      for (let key = 0; key < KEYS; key++) {
        const response = await fetch(`http://127.0.0.1:${port}/api/exchange/v1/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' },
          body: JSON.stringify(cloudEvent(key, n)),
        });
        expect(response.status).toBe(202);
        sent.add(cloudEvent(key, n).id);
      }
    }
    await sleep(6_000);
    expect(arrivals).toHaveLength(0);
    hookDown = false;
    await waitForArrivals(sent, 60_000);
    expect(new Set(arrivals.map((arrival) => arrival.id))).toEqual(sent);
    expectPerKeyOrder();
    await stopChild(server.child, 'SIGTERM');
  }, 120_000);
});
