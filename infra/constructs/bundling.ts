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

/**
 * The links of the SDK's default credential chain that Lambda never reaches, left out of the
 * bundle. Lambda puts the execution role's credentials in the environment, which is the chain's
 * first link; SSO, shared config files, `credential_process` and web-identity token files are for
 * developer machines. The chain loads each of these with a dynamic `import()` only when it gets
 * that far, so a deployed function never asks for them; leaving them out drops the STS, SSO and
 * sign-in clients they bring (~90–115 KB per function). Without environment credentials a
 * function would fail loudly ("Cannot find package '@aws-sdk/credential-provider-ini'").
 * The rest of the SDK stays bundled (`bundleAwsSDK: true`).
 */
export const UNREACHED_CREDENTIAL_PROVIDERS = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
];
