/**
 * `npm run bench:cold`: builds every function the way CDK does (esbuild, minified ESM for
 * Node 24, SDK bundled; see infra/constructs/bundling.ts) and prints, per function, the bundle's
 * size, the median time a fresh Node process takes to import it (what a cold start pays before
 * the first request), and the largest packages in it. Goals: ≤ 500 KB and ≤ 50 ms each.
 * Figures, not assertions.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { ENV, FUNCTION_IDS } from '@shared/config/resource-names';
import {
  ESM_REQUIRE_BANNER,
  LAMBDA_NODE_TARGET,
  MAIN_FIELDS,
  UNREACHED_CREDENTIAL_PROVIDERS,
} from '../../infra/constructs/bundling';
import { functionEntry } from '../../infra/constructs/sesame-function';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const IMPORT_RUNS = 7;
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

/** What a deployed function finds in its environment (required config is read at import). */
const LAMBDA_ENV = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_REGION: 'eu-west-1',
  [ENV.tableName]: 'bench-table',
  [ENV.rawMailBucket]: 'bench-raw-mail',
  [ENV.attachmentsBucket]: 'bench-attachments',
  [ENV.userPoolId]: 'eu-west-1_bench',
};

/** Median wall time of importing the bundle in a fresh process, measured inside that process. */
function importMs(bundle: string): number {
  const script =
    'const t = performance.now(); await import(process.argv[1]); ' +
    'console.log(performance.now() - t);';
  const times: number[] = [];
  for (let run = 0; run < IMPORT_RUNS; run++) {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, bundle], {
      encoding: 'utf8',
      env: { ...process.env, ...LAMBDA_ENV },
    });
    if (result.status !== 0)
      throw new Error(`importing ${bundle} failed: ${result.stderr.slice(-500)}`);
    times.push(Number(result.stdout.trim()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/**
 * A module importing only the Node built-ins the bundle imports statically (`node:http` alone
 * loads Node's bundled undici): the part of the import time no bundling choice can remove, and a
 * measure of how loaded the machine is.
 */
function builtinsModule(metafile: Metafile, file: string): string {
  const builtins = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, kind, external } of output.imports) {
      if (external && kind === 'import-statement' && path.startsWith('node:')) builtins.add(path);
    }
  }
  writeFileSync(file, [...builtins].map((name) => `import '${name}';`).join('\n'));
  return file;
}

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'sesame-cold-'));
  console.log(`node ${process.version}; goals: ≤ ${SIZE_GOAL / 1024} KB, ≤ ${IMPORT_GOAL_MS} ms`);
  console.log(
    'function       size (KB)  import p50 (ms)  Node built-ins alone (ms)  largest parts',
  );
  try {
    for (const id of FUNCTION_IDS) {
      const outfile = join(out, id, 'index.mjs');
      const result = await build({
        entryPoints: [functionEntry(id)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: LAMBDA_NODE_TARGET,
        mainFields: MAIN_FIELDS,
        external: UNREACHED_CREDENTIAL_PROVIDERS,
        banner: { js: ESM_REQUIRE_BANNER },
        minify: true,
        metafile: true,
        tsconfig: join(ROOT, 'tsconfig.json'),
        logLevel: 'error',
      });
      const size = statSync(outfile).size;
      const ms = importMs(outfile);
      const builtinsMs = importMs(builtinsModule(result.metafile, join(out, id, 'builtins.mjs')));
      const verdict = size <= SIZE_GOAL && ms <= IMPORT_GOAL_MS ? 'ok' : 'over';
      console.log(
        `${id.padEnd(14)} ${(size / 1024).toFixed(0).padStart(9)}  ${ms.toFixed(1).padStart(15)}` +
          `  ${builtinsMs.toFixed(1).padStart(25)}` +
          `  ${largestPackages(result.metafile, 5)}  [${verdict}]`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

await main();
