#!/usr/bin/env node
// The `huitong` command. Builds the platform first when the build is missing or older than the
// sources, so a fresh clone runs with `npm install && npm start` and nothing else.
import { ensureBuilt } from '../scripts/build.js';

await ensureBuilt({ quiet: process.argv[2] !== 'serve' });
await import('../dist/main.js');
