import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const dir = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@shared': dir('./shared'),
      '@test': dir('./test'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The integration and e2e suites start DynamoDB Local (a JVM) and s3rver once per file;
    // two cores cannot run many of those at once.
    maxWorkers: 2,
    // Handlers log JSON lines; tests assert on behaviour, so keep the output readable.
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
