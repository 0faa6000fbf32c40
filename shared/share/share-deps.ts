import type { ShareStore } from './share-store';
import type { SharedObjects } from './shared-objects';

/** What the share operations work with: the record store, the bucket, and a settable clock. */
export interface ShareDeps {
  store: ShareStore;
  objects: SharedObjects;
  now?: () => Date;
}

export const nowOf = (deps: Pick<ShareDeps, 'now'>): Date => deps.now?.() ?? new Date();
