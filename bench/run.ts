/**
 * Runs every bench in order and prints their tables: `npm run bench` (flags go to every bench
 * that knows them; `npm run bench -- --help` lists them). Each bench also runs alone:
 * `tsx bench/startup.bench.ts`, `tsx bench/http.bench.ts`, `tsx bench/identity.bench.ts`,
 * `tsx bench/exchange.bench.ts`, `tsx bench/cases.bench.ts`.
 */
import { main } from './bench-kit.js';
import { casesBench } from './cases.bench.js';
import { exchangeBench } from './exchange.bench.js';
import { httpBench } from './http.bench.js';
import { identityBench } from './identity.bench.js';
import { startupBench } from './startup.bench.js';

await main([startupBench, httpBench, identityBench, exchangeBench, casesBench]);
