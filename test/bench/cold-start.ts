/**
 * `npm run bench:cold`: builds every function the way CDK does (test/support/function-bundle.ts:
 * the settings of infra/constructs/bundling.ts, one minified CommonJS file for Node 24 with the SDK
 * in it and its source map beside it) and prints, per function, the bundle's size and the time a
 * fresh Node process takes to import it, which a cold start pays before the first request: p50 and
 * p95 over IMPORT_RUNS processes each, as deployed (LAMBDA_NODE_OPTIONS), without source maps, and
 * for the Node built-ins the import loaded, imported alone (the part no bundling choice removes,
 * and a gauge of the machine's load). A last row does the same for the DynamoDB client alone, the
 * floor under every function, and a first line gives Node's own start, which no import figure
 * counts. Goals: ≤ 500 KB and ≤ 50 ms each. Figures, not assertions.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { FUNCTION_IDS } from '@shared/config/resource-names';
import { LAMBDA_NODE_OPTIONS, OUTPUT_FORMAT } from '../../infra/constructs/bundling';
import { bundleEntry, bundleFunction, DEPLOYED_ENV } from '../support/function-bundle';

const SDK_FLOOR = fileURLToPath(new URL('./sdk-floor.ts', import.meta.url));
const IMPORT_RUNS = 15;
const SIZE_GOAL = 500 * 1024;
const IMPORT_GOAL_MS = 50;

/** Bytes per package (node_modules/<name> or the project's own code), largest first. */
function largestPackages(metafile: Metafile, count: number): string {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const name = match?.[1] ?? '(sesame)';
      bytes.set(name, (bytes.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...bytes.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, size]) => `${name} ${(size / 1024).toFixed(0)} KB`)
    .join(', ');
}

/**
 * Run in a fresh process: imports the file as Lambda's Node runtime imports a handler (`import()`,
 * whatever the format), timed inside the process so Node's own start is not counted, and names the
 * public built-ins that the import loaded.
 */
const IMPORT_SCRIPT = `
import { builtinModules } from 'node:module';
const before = new Set(process.moduleLoadList);
const cpu = process.cpuUsage();
const started = performance.now();
await import(process.argv[1]);
const ms = performance.now() - started;
const { user, system } = process.cpuUsage(cpu);
const cpuMs = (user + system) / 1000;
const builtins = process.moduleLoadList
  .filter((entry) => !before.has(entry) && entry.startsWith('NativeModule '))
  .map((entry) => entry.slice('NativeModule '.length))
  .filter((name) => builtinModules.includes(name));
console.log(JSON.stringify({ ms, cpuMs, builtins }));
`;

interface Sample {
  /** Wall time of the import. */
  ms: number;
  /** CPU time the process spent on it: less swayed by other work on a shared machine. */
  cpuMs: number;
  builtins: string[];
}

function importOnce(file: string, nodeOptions: string): Sample {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT, file], {
    encoding: 'utf8',
    env: { ...process.env, ...DEPLOYED_ENV, NODE_OPTIONS: nodeOptions },
  });
  if (result.status !== 0)
    throw new Error(`importing ${file} failed: ${result.stderr.slice(-500)}`);
  return JSON.parse(result.stdout) as Sample;
}

/** The value below which `share` of the sorted samples lie (nearest rank). */
function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? Number.NaN;
}

interface Figures {
  p50: number;
  p95: number;
}

function figures(times: readonly number[]): Figures {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
}

const shown = ({ p50, p95 }: Figures) => `${p50.toFixed(1)} / ${p95.toFixed(1)}`;

interface Measured {
  /** As deployed: with LAMBDA_NODE_OPTIONS (the source map is read as the bundle loads). */
  bundle: Figures;
  /** The CPU time of the same imports. */
  bundleCpu: Figures;
  /** The same bundle with no Node options: what the source map costs. */
  noSourceMaps: Figures;
  /** The built-ins the bundle loaded, required alone from a CommonJS file imported the same way. */
  builtins: Figures;
}

/** The three are sampled in turn, so that all of them see the same load on a shared machine. */
function measure(bundle: string, builtinsFile: string): Measured {
  const first = importOnce(bundle, LAMBDA_NODE_OPTIONS);
  writeFileSync(builtinsFile, first.builtins.map((name) => `require('${name}');`).join('\n'));
  const deployed = [first];
  const times = { noSourceMaps: [] as number[], builtins: [] as number[] };
  for (let run = 0; run < IMPORT_RUNS; run++) {
    if (run > 0) deployed.push(importOnce(bundle, LAMBDA_NODE_OPTIONS));
    times.noSourceMaps.push(importOnce(bundle, '').ms);
    times.builtins.push(importOnce(builtinsFile, LAMBDA_NODE_OPTIONS).ms);
  }
  return {
    bundle: figures(deployed.map(({ ms }) => ms)),
    bundleCpu: figures(deployed.map(({ cpuMs }) => cpuMs)),
    noSourceMaps: figures(times.noSourceMaps),
    builtins: figures(times.builtins),
  };
}

/**
 * What Node itself takes to start and run an empty script, timed from outside: a cold start pays
 * it before the import, and no figure above counts it.
 */
function nodeStart(): Figures {
  const times: number[] = [];
  for (let run = 0; run < IMPORT_RUNS; run++) {
    const started = performance.now();
    spawnSync(process.execPath, ['-e', '']);
    times.push(performance.now() - started);
  }
  return figures(times);
}

/** The 1-minute load average against the number of cores: how much the figures can be trusted. */
const load = () => `${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`;

/** One row of the table: a bundle's size, its three figures and its largest parts. */
function row(name: string, file: string, metafile: Metafile, builtinsFile: string): string {
  const size = statSync(file).size;
  const times = measure(file, builtinsFile);
  const verdict = size <= SIZE_GOAL && times.bundle.p50 <= IMPORT_GOAL_MS ? 'ok' : 'over';
  return (
    `${name.padEnd(14)} ${(size / 1024).toFixed(0).padStart(9)}  ${shown(times.bundle).padStart(13)}` +
    `  ${times.bundleCpu.p50.toFixed(1).padStart(7)}` +
    `  ${shown(times.noSourceMaps).padStart(18)}  ${shown(times.builtins).padStart(17)}` +
    `  ${largestPackages(metafile, 5)}  [${verdict}]`
  );
}

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'sesame-cold-'));
  console.log(
    `node ${process.version}, ${OUTPUT_FORMAT} bundles, ${IMPORT_RUNS} fresh processes each; ` +
      `goals: ≤ ${SIZE_GOAL / 1024} KB, ≤ ${IMPORT_GOAL_MS} ms (p50); load average ${load()}`,
  );
  console.log(`Node's own start (an empty script, not counted below): ${shown(nodeStart())} ms`);
  console.log('import times in ms, wall p50 / p95, and the CPU p50 of the imports as deployed:');
  console.log(
    'function       size (KB)  as deployed  (CPU p50)  without source maps  its built-ins alone  largest parts',
  );
  try {
    for (const id of FUNCTION_IDS) {
      const { file, metafile } = await bundleFunction(id, out);
      console.log(row(id, file, metafile, join(out, id, 'builtins.cjs')));
    }
    const floor = await bundleEntry(SDK_FLOOR, join(out, 'sdk-floor'));
    console.log(
      row('(sdk floor)', floor.file, floor.metafile, join(out, 'sdk-floor', 'builtins.cjs')),
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  console.log(
    `(sdk floor): test/bench/sdk-floor.ts, the DynamoDB client alone. ` +
      `Load average at the end: ${load()}; a busy machine's figures run high.`,
  );
}

await main();
