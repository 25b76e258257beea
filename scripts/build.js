// Builds the platform: the server (TypeScript → dist/) and the staff app (Vite → dist/web/workbench).
// `ensureBuilt` rebuilds only when a source is newer than the last build, so `npm start` stays quick.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.build-stamp');
const inputs = ['src', 'package.json', 'tsconfig.json', 'scripts/build.js'];

function newestMtime(target) {
  const full = path.join(root, target);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(full)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function copyJson(fromDir, toDir) {
  for (const entry of readdirSync(fromDir, { withFileTypes: true })) {
    const from = path.join(fromDir, entry.name);
    const to = path.join(toDir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'workbench') copyJson(from, to);
    } else if (entry.name.endsWith('.json')) {
      mkdirSync(toDir, { recursive: true });
      cpSync(from, to);
    }
  }
}

export async function build({ quiet = false } = {}) {
  const log = (message) => quiet || process.stderr.write(`${message}\n`);
  log('huitong: compiling the server (tsc)…');
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) throw new Error('the TypeScript build failed');
  copyJson(path.join(root, 'src'), dist);
  const workbenchConfig = path.join(root, 'src/web/workbench/vite.config.ts');
  if (existsSync(workbenchConfig)) {
    log('huitong: building the staff app (vite)…');
    const { build: viteBuild } = await import('vite');
    await viteBuild({ configFile: workbenchConfig, logLevel: quiet ? 'error' : 'warn' });
  }
  writeFileSync(stamp, new Date().toISOString());
  log('huitong: build done');
}

export function isStale() {
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return inputs.some((input) => newestMtime(input) > built);
}

export async function ensureBuilt(options = {}) {
  if (isStale()) await build(options);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await build();
}
