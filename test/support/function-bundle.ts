import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { ENV, type FunctionId } from '@shared/config/resource-names';
import {
  LAMBDA_NODE_TARGET,
  MAIN_FIELDS,
  OUTPUT_FORMAT,
  UNREACHED_CREDENTIAL_PROVIDERS,
} from '../../infra/constructs/bundling';
import { functionEntry } from '../../infra/constructs/sesame-function';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What a deployed function finds in its environment, as far as loading it needs: the required
 * configuration every function reads at import (names as CDK sets them; values are placeholders).
 */
export const DEPLOYED_ENV = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_REGION: 'eu-west-1',
  [ENV.tableName]: 'bundle-table',
  [ENV.rawMailBucket]: 'bundle-raw-mail',
  [ENV.attachmentsBucket]: 'bundle-attachments',
  [ENV.shareBucket]: 'bundle-shares',
  [ENV.userPoolId]: 'eu-west-1_bundle',
  // share-public hands a [secure] message's reply to this topic (OutboundMail sets it).
  [ENV.inboundTopicArn]: 'arn:aws:sns:eu-west-1:123456789012:bundle-inbound',
};

export interface FunctionBundle {
  /** The bundle (its source map beside it), as CDK writes a function's index.js. */
  file: string;
  metafile: Metafile;
}

/** Builds one function's bundle as CDK builds it (bundleEntry), into `outdir`/`id`. */
export function bundleFunction(id: FunctionId, outdir: string): Promise<FunctionBundle> {
  return bundleEntry(functionEntry(id), join(outdir, id));
}

/**
 * Builds `entry` with esbuild as SesameFunction has CDK build a function (the settings of
 * infra/constructs/bundling.ts, minified, source map without the sources' text), into `dir`.
 * The file is named .cjs/.mjs by format, so that it is read as it is in its asset folder wherever
 * `dir` lies.
 */
export async function bundleEntry(entry: string, dir: string): Promise<FunctionBundle> {
  const file = join(dir, OUTPUT_FORMAT === 'cjs' ? 'index.cjs' : 'index.mjs');
  const { metafile } = await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: OUTPUT_FORMAT,
    target: LAMBDA_NODE_TARGET,
    mainFields: MAIN_FIELDS,
    external: UNREACHED_CREDENTIAL_PROVIDERS,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    tsconfig: join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  return { file, metafile };
}
