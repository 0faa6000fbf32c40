import { randomUUID } from 'node:crypto';
import { logger } from '../log/logger';
import { buildRun, type RunInfo } from './run-builder';
import type { IndexState, SearchIndexStore } from './search-index-store';
import { INDEX_SHAPE } from './search-limits';

/** The term-set key bound of everything indexed before `at` (keys start with an ISO time). */
export function keyBefore(at: Date): string {
  return at.toISOString();
}

/** Times a step reads its term sets again because one landed late, before it gives up. */
const LATE_REREADS = 3;

/** The next thing to do to an index: merge a full level, or cut a run from the recent set. */
type Step =
  { kind: 'merge'; level: number; runs: RunInfo[] } | { kind: 'flush'; keys: string[] } | undefined;

async function nextStep(
  store: SearchIndexStore,
  address: string,
  state: IndexState,
  now: Date,
): Promise<Step> {
  const levels = new Map<number, RunInfo[]>();
  for (const run of state.runs) levels.set(run.level, [...(levels.get(run.level) ?? []), run]);
  for (const level of [...levels.keys()].sort((a, b) => a - b)) {
    const runs = levels.get(level) as RunInfo[];
    if (level < INDEX_SHAPE.maxLevel && runs.length >= INDEX_SHAPE.fanIn)
      return { kind: 'merge', level, runs };
  }
  const upTo = keyBefore(new Date(now.getTime() - INDEX_SHAPE.flushGraceMs));
  const keys = await store.termSetKeys(
    address,
    state.pendingFrom,
    upTo,
    INDEX_SHAPE.recentMessages,
  );
  return keys.length >= INDEX_SHAPE.recentMessages ? { kind: 'flush', keys } : undefined;
}

/** What a step makes of the state: its run written, the state to publish. */
async function build(
  store: SearchIndexStore,
  address: string,
  state: IndexState,
  step: NonNullable<Step>,
  id: string,
): Promise<Pick<IndexState, 'runs' | 'pendingFrom' | 'nextRun'>> {
  if (step.kind === 'merge') {
    const from = step.runs.reduce((low, run) => (run.from < low ? run.from : low), '\uffff');
    const to = step.runs.reduce((high, run) => (run.to > high ? run.to : high), '');
    const level = step.level + 1;
    const kept = state.runs.filter((run) => run.level !== step.level);
    const slot = kept.filter((run) => run.level === level).length;
    const termSets = await store.termSets(address, from, to);
    const built = buildRun(termSets, { id, level, slot, from, to });
    await store.writeRun(address, built);
    return {
      runs: [...kept, built.info],
      pendingFrom: state.pendingFrom,
      nextRun: state.nextRun + 1,
    };
  }
  const to = step.keys[step.keys.length - 1] as string;
  const slot = state.runs.filter((run) => run.level === 1).length;
  const termSets = await store.termSets(address, state.pendingFrom, to);
  const built = buildRun(termSets, { id, level: 1, slot, from: state.pendingFrom, to });
  await store.writeRun(address, built);
  return { runs: [...state.runs, built.info], pendingFrom: to, nextRun: state.nextRun + 1 };
}

/**
 * Keeps a mailbox's index in shape; called after a message is indexed. When `recentMessages`
 * term sets are older than the grace period, they become a run of level 1; when a level holds
 * `fanIn` runs, they are rebuilt, from the term sets of the range they cover, as one run of the
 * next level (a purged message's term set is gone by then, so its postings go too). Each step
 * takes the state's claim first, so one compaction works on a mailbox at a time; whoever loses
 * the race leaves the work to the winner. A term set may land after the step read its range
 * (its writer was slow): its writer then marks the state (shared/search/index-terms), the
 * publish is refused, and the step reads its range again. Returns the steps done.
 */
export async function compactIndex(
  store: SearchIndexStore,
  address: string,
  now: Date = new Date(),
): Promise<number> {
  let steps = 0;
  for (;;) {
    const state = await store.readState(address);
    // A claim guards against other processes working now, so it is timed by the wall clock;
    // `now` (which term sets are old enough) may be another clock (imports, the bench).
    const wallClock = Date.now();
    if (state.claim && wallClock - Date.parse(state.claim.at) < INDEX_SHAPE.claimTimeoutMs) {
      return steps;
    }
    const step = await nextStep(store, address, state, now);
    if (!step) return steps;
    const token = randomUUID();
    const at = new Date(wallClock).toISOString();
    if (!(await store.claim(address, state.version, { token, at }))) {
      return steps;
    }
    const id = `${step.kind === 'merge' ? step.level + 1 : 1}.${state.nextRun}`;
    let published = await store.publish(
      address,
      token,
      await build(store, address, state, step, id),
    );
    // Refused: a term set landed late under the claim (or the claim was lost); read again.
    for (let round = 0; !published && round < LATE_REREADS; round++) {
      if (!(await store.clearLate(address, token))) return steps;
      published = await store.publish(address, token, await build(store, address, state, step, id));
    }
    if (!published) {
      // Late writers kept landing: give the claim back with the index as it was (the run just
      // written is in no listed slot; its id is not used again).
      await store.publish(address, token, { ...state, nextRun: state.nextRun + 1 });
      return steps;
    }
    steps++;
  }
}

/**
 * Compacts a mailbox's index after a message was indexed, if it is due. The message is
 * searchable already (its term set is read directly), so a failure is logged, not thrown:
 * throwing would redeliver a notification that is done, and the next message tries again.
 */
export async function keepIndexInShape(
  store: SearchIndexStore,
  address: string,
  now?: Date,
): Promise<void> {
  try {
    await compactIndex(store, address, now);
  } catch (error) {
    logger.warn('search index compaction failed; the next message tries again', {
      address,
      error,
    });
  }
}
