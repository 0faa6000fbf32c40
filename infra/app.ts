/**
 * The CDK app entry point (cdk.json: `npx tsx infra/app.ts`). Configuration comes from the
 * cdk.json context (`sesame:*` keys, see infra/config.ts); `buildApp` does the rest.
 */
import { buildApp } from './build-app';

buildApp().app.synth();
