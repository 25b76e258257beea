/**
 * One process at a time on an embedded data dir. PGlite is a single in-process PostgreSQL: a
 * second process opening the same files would corrupt them, so the first one holds a lock file
 * and the second is told who holds it. A lock left by a process that died is taken over.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConflictError } from '../errors.js';

interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
}

export interface DataDirLock {
  release(): Promise<void>;
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'huitong.lock');
  const me: LockOwner = { pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockPath, JSON.stringify(me), { flag: 'wx' });
      return {
        async release() {
          await rm(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = await readOwner(lockPath);
      if (owner && isAlive(owner)) {
        throw new ConflictError('db.data_dir_locked', { dataDir, pid: owner.pid, since: owner.startedAt });
      }
      // The holder is gone (crashed or killed): its lock is stale.
      await rm(lockPath, { force: true });
    }
  }
  throw new ConflictError('db.data_dir_locked', { dataDir, pid: 'unknown', since: 'unknown' });
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(lockPath, 'utf8')) as LockOwner;
  } catch {
    return undefined; // unreadable or half-written: treat as stale
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.hostname !== os.hostname()) return true; // a shared disk: we cannot tell, so do not steal it
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
