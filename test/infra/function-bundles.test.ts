import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_IDS } from '@shared/config/resource-names';
import {
  LAMBDA_NODE_OPTIONS,
  UNREACHED_CREDENTIAL_PROVIDERS,
} from '../../infra/constructs/bundling';
import { bundleFunction, DEPLOYED_ENV, type FunctionBundle } from '../support/function-bundle';

/**
 * The bundles CDK deploys, built with the same settings (the synth tests skip bundling): each
 * one loads in a fresh Node process the way Lambda's runtime loads a handler, with what a deployed
 * function finds in its environment, and needs nothing from outside but Node's built-ins and the
 * credential providers Lambda never reaches.
 */
const LAMBDA_ENV = { ...DEPLOYED_ENV, NODE_OPTIONS: LAMBDA_NODE_OPTIONS };

/** As Lambda's runtime loads `index.handler`: `import()` of the file, then its named export. */
const LOAD_HANDLER = 'const m = await import(process.argv[1]); console.log(typeof m.handler);';

let out: string;
const bundles = new Map<string, FunctionBundle>();

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'sesame-bundles-'));
  for (const id of FUNCTION_IDS) bundles.set(id, await bundleFunction(id, out));
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.each(FUNCTION_IDS)('the %s bundle', (id) => {
  it('loads in a fresh process and exports its handler', () => {
    const bundle = bundles.get(id) as FunctionBundle;
    const type = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', LOAD_HANDLER, bundle.file],
      { env: { ...process.env, ...LAMBDA_ENV }, encoding: 'utf8' },
    );
    expect(type.trim()).toBe('function');
  });

  it('imports nothing from outside but Node built-ins and the unreached credential providers', () => {
    const { metafile } = bundles.get(id) as FunctionBundle;
    const outside = Object.values(metafile.outputs)
      .flatMap((output) => output.imports)
      .filter(({ external }) => external)
      .map(({ path }) => path)
      .filter((path) => !builtinModules.includes(path.replace(/^node:/, '')));
    expect(outside.filter((path) => !UNREACHED_CREDENTIAL_PROVIDERS.includes(path))).toEqual([]);
    // Every function builds an SDK client, whose credential chain names them: the check saw them.
    expect(outside.length).toBeGreaterThan(0);
  });
});
