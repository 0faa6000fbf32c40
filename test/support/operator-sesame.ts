import { afterAll, beforeAll } from 'vitest';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { emulatorToken } from './emulator-token';
import { httpClient } from './http-client';
import { startTestSesame, stopTestSesame } from './local-sesame';

export interface OperatorSesame {
  sesame: LocalRuntime;
  api: ReturnType<typeof httpClient>;
  /** The demo operator's token: the platform-admin group and the role stored on the mailbox. */
  platform: string;
}

/** A local sesame started once for an e2e file, with the demo operator's token; stopped after. */
export function useOperatorSesame(name: string, ready: (started: OperatorSesame) => void): void {
  let sesame: LocalRuntime | undefined;
  let dataDir = '';
  beforeAll(async () => {
    ({ sesame, dataDir } = await startTestSesame(name));
    const platform = await emulatorToken(sesame, {
      address: 'ops@demo.test',
      tenantId: 'demo',
      groups: ['platform-admin'],
    });
    ready({ sesame, api: httpClient(sesame.api.url), platform });
  });
  afterAll(async () => {
    await stopTestSesame(sesame, dataDir);
  });
}
