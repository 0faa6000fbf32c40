/**
 * How every sesame function is bundled, in one place: `SesameFunction` hands these to CDK's
 * esbuild, and `npm run bench:cold` builds the same bundles with esbuild directly to print their
 * size and import time.
 */

/** The Lambda runtime's Node major, which esbuild targets. */
export const LAMBDA_NODE_TARGET = 'node24';

/**
 * esbuild emits ESM; a bundled CommonJS dependency that calls `require` (several of the SDK's do)
 * needs one in scope.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);";

/** Prefer packages' ESM builds, which esbuild can tree-shake. */
export const MAIN_FIELDS = ['module', 'main'];
