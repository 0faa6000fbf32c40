/**
 * How every sesame function is bundled, in one place: `SesameFunction` hands these to CDK's
 * esbuild, and `npm run bench:cold` builds the same bundles with esbuild directly to print their
 * size and import time.
 */
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The Lambda runtime's Node major, which esbuild targets. */
export const LAMBDA_NODE_TARGET = 'node24';

/**
 * CommonJS, not ESM, measured by `npm run bench:cold`: an ES module that imports a Node built-in
 * gets a namespace of all its exports, and reading them runs the built-in's lazy getters.
 * `node:http`'s include `WebSocket`, which loads Node's bundled undici: importing the built-ins the
 * SDK uses took ~28 ms as ESM against ~10 ms through `require`, on every cold start. The code is
 * written as ESM all the same; esbuild turns its imports into `require` calls, and the packages'
 * ESM builds (MAIN_FIELDS) are still what it tree-shakes.
 */
export const OUTPUT_FORMAT = OutputFormat.CJS;

/**
 * The Node options every function runs with: stack traces in the logs point into the sources
 * through the bundle's source map (CDK writes it beside the bundle, without the sources' text).
 */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

/** Prefer packages' ESM builds, which esbuild can tree-shake. */
export const MAIN_FIELDS = ['module', 'main'];

/**
 * The links of the SDK's default credential chain that Lambda never reaches, left out of the
 * bundle. Lambda puts the execution role's credentials in the environment, which is the chain's
 * first link; SSO, shared config files, `credential_process` and web-identity token files are for
 * developer machines. The chain loads each of these with a dynamic `import()` only when it gets
 * that far, so a deployed function never asks for them; leaving them out drops the STS, SSO and
 * sign-in clients they bring (~90–115 KB per function). Without environment credentials a
 * function would fail loudly ("Cannot find module '@aws-sdk/credential-provider-ini'").
 * The rest of the SDK stays bundled (`bundleAwsSDK: true`).
 */
export const UNREACHED_CREDENTIAL_PROVIDERS = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
];
