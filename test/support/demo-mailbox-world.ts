import { afterAll, beforeAll } from 'vitest';
import type { IngestDeps } from '@shared/inbound/ingest-message';
import { createMailboxHandler } from '../../functions/mailbox/mailbox-api';
import { mailboxApiDepsOf } from './ingest-deps';
import { startLocalWorld, type LocalWorld } from './local-world';

export interface DemoMailboxWorld {
  world: LocalWorld;
  /** The ingest function's ports on the world (the mailbox API's include them). */
  deps: IngestDeps;
  /** The mailbox API's handler, called with API Gateway events. */
  api: ReturnType<typeof createMailboxHandler>;
}

/**
 * The stand-ins started once for a test file, with the demo tenant (`demo.test`) and alice's
 * mailbox, the ingest ports and the mailbox API on them; stopped after the file.
 */
export function useDemoMailboxWorld(ready: (started: DemoMailboxWorld) => void): void {
  let world: LocalWorld | undefined;
  beforeAll(async () => {
    world = await startLocalWorld();
    const deps = mailboxApiDepsOf(world);
    await world.addTenant('demo', ['demo.test']);
    await world.addMailbox('alice@demo.test', 'demo');
    ready({ world, deps, api: createMailboxHandler(deps) });
  });
  afterAll(async () => {
    await world?.stop();
  });
}
