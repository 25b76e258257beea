/**
 * The platform as an operator starts it: `huitong serve` in its own process on an empty data dir,
 * a second process refused on the same embedded data dir, and a graceful stop on SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = path.resolve('bin/huitong.js');
let dataDir: string;
let server: ChildProcess;
let baseUrl: string;

function start(extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', HUITONG_DATA_DIR: dataDir, LOG_LEVEL: 'info', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, listening, exited, output: () => output };
}

beforeAll(async () => {
  // Build first (when stale), here in the hook with its long timeout, not inside a test.
  const { ensureBuilt } = await import('../scripts/build.js');
  await ensureBuilt({ quiet: true });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'huitong-serve-'));
  const first = start();
  server = first.child;
  baseUrl = await first.listening;
});

afterAll(async () => {
  if (server.exitCode === null) server.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('huitong serve', { timeout: 120_000 }, () => {
  it('is live and ready on a fresh embedded data dir', async () => {
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: { detail: 'pglite' } } });
  });

  it('publishes its OpenAPI description', async () => {
    const response = await fetch(`${baseUrl}/docs/json`);
    expect(((await response.json()) as { openapi: string }).openapi).toMatch(/^3\./);
  });

  it('refuses a second process on the same embedded data dir with a clear error', async () => {
    const second = start();
    await expect(second.listening).rejects.toThrow(/数据目录已被占用|in use by process/);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`process ${server.pid}`);
  });

  it('stops gracefully on SIGTERM and starts again warm on the same data', async () => {
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    const again = start();
    server = again.child;
    baseUrl = await again.listening;
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
  });

  it('names a bad configuration variable and exits 2', async () => {
    const bad = start({ PORT: 'eighty' });
    await expect(bad.listening).rejects.toThrow(/PORT must be a whole number/);
    expect(await bad.exited).toBe(2);
  });
});
