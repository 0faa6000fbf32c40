import { ordinalsIn, shardOf } from './postings';
import type { RunInfo, TermSet } from './run-builder';
import { hasTerm } from './terms';
import type { SearchIndexStore } from './search-index-store';
import { INDEX_SHAPE } from './search-limits';

/** A message that holds every term of the query, by where it sorts. */
export interface Candidate {
  timeline: string;
  id: string;
}

/** The state of the index changed under a query (a slot was reused): read it again. */
export class IndexMovedError extends Error {}

/** Sorted ascending lists -> what all of them hold. */
function intersect(lists: number[][]): number[] {
  const [first, ...rest] = [...lists].sort((a, b) => a.length - b.length);
  if (!first) return [];
  const sets = rest.map((list) => new Set(list));
  return first.filter((value) => sets.every((set) => set.has(value)));
}

function idOf(timeline: string): string {
  return timeline.slice(timeline.lastIndexOf('#') + 1);
}

/** One run's matching messages, newest first, their timelines read a page at a time. */
class RunSource {
  private next = 0;
  /** The timeline of the hit taken last: the most the next one can be. */
  private last = '';
  private readonly pages = new Map<number, string[]>();
  constructor(
    readonly run: RunInfo,
    private readonly ordinals: number[],
  ) {}

  get done(): boolean {
    return this.next >= this.ordinals.length;
  }

  /** The page that holds the head, when it is not read yet. */
  missingPage(): number | undefined {
    if (this.done) return undefined;
    const page = Math.floor((this.ordinals[this.next] as number) / INDEX_SHAPE.messagesPerPage);
    return this.pages.has(page) ? undefined : page;
  }

  /** Moves past the hits at or above `before` (a cursor): a binary search, a page a step. */
  async seekBelow(before: string, read: (page: number) => Promise<string[]>): Promise<void> {
    let low = 0;
    let high = this.ordinals.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const ordinal = this.ordinals[middle] as number;
      const page = Math.floor(ordinal / INDEX_SHAPE.messagesPerPage);
      if (!this.pages.has(page)) this.pages.set(page, await read(page));
      const timeline = this.pages.get(page)?.[ordinal % INDEX_SHAPE.messagesPerPage] ?? '';
      if (timeline >= before) low = middle + 1;
      else high = middle;
    }
    this.next = low;
    if (low > 0) this.last = before;
  }

  addPage(page: number, timelines: string[]): void {
    this.pages.set(page, timelines);
  }

  /** The head's timeline if its page is read; else the most it can be. */
  headBound(): { timeline: string; known: boolean } {
    const ordinal = this.ordinals[this.next] as number;
    const page = this.pages.get(Math.floor(ordinal / INDEX_SHAPE.messagesPerPage));
    if (!page) return { timeline: this.next === 0 ? this.run.newest : this.last, known: false };
    return { timeline: page[ordinal % INDEX_SHAPE.messagesPerPage] ?? '', known: true };
  }

  take(): Candidate {
    const { timeline } = this.headBound();
    this.last = timeline;
    this.next++;
    return { timeline, id: idOf(timeline) };
  }
}

/**
 * The query's matching messages, newest first, below `before` (a timeline, exclusive) and not
 * older than `after`: from the recent term sets (checked one by one) and from each run (one
 * shard per term, intersected). Timelines of run hits are read a page at a time, only for the
 * runs whose next hit can be the newest one left, so a first page reads a few pages whatever the
 * mailbox holds.
 */
export class CandidateStream {
  private readonly recent: Candidate[];
  private sources: RunSource[] = [];
  /** The timeline taken last (the same message met again is skipped). */
  private lastTaken = '';

  private constructor(
    private readonly store: SearchIndexStore,
    private readonly address: string,
    recent: Candidate[],
    private readonly before: string,
    private readonly after: string,
  ) {
    this.recent = recent;
  }

  static async open(
    store: SearchIndexStore,
    address: string,
    terms: number[],
    window: { before: string; after: string },
  ): Promise<CandidateStream> {
    const state = await store.readState(address);
    const recentSets: TermSet[] = await store.termSets(address, state.pendingFrom, '\uffff');
    const recent = recentSets
      .filter((set) => terms.every((term) => hasTerm(set.terms, term)))
      .map((set) => ({ timeline: set.timeline, id: set.id }))
      .sort((a, b) => (a.timeline < b.timeline ? 1 : -1));
    const stream = new CandidateStream(store, address, recent, window.before, window.after);
    const runs = state.runs.filter(
      (run) => run.count > 0 && run.oldest < window.before && run.newest >= window.after,
    );
    const wanted = runs.flatMap((run) =>
      terms.map((term) => ({ run, bucket: shardOf(term, run.buckets) })),
    );
    const shards = await store.readShards(address, wanted);
    runs.forEach((run, r) => {
      const lists = terms.map((term, t) => {
        const shard = shards[r * terms.length + t];
        if (!shard || shard.run !== run.id) throw new IndexMovedError();
        return ordinalsIn(shard.value, term);
      });
      const ordinals = intersect(lists);
      if (ordinals.length > 0)
        stream.sources.push(
          new RunSource(
            run,
            ordinals.sort((a, b) => a - b),
          ),
        );
    });
    for (const source of stream.sources) {
      if (source.run.newest < window.before) continue;
      await source.seekBelow(window.before, async (page) => {
        const [read] = await store.readPages(address, [{ run: source.run, page }]);
        if (!read || read.run !== source.run.id) throw new IndexMovedError();
        return read.value;
      });
    }
    return stream;
  }

  /** Reads the pages of the run heads that could be the newest, until the newest is known. */
  private async settle(): Promise<void> {
    for (;;) {
      this.sources = this.sources.filter((source) => !source.done);
      const best = this.bestKnown();
      const missing = this.sources.filter((source) => {
        const bound = source.headBound();
        return !bound.known && (!best || bound.timeline >= best);
      });
      if (missing.length === 0) return;
      const wanted = missing.map((source) => ({
        run: source.run,
        page: source.missingPage() as number,
      }));
      const pages = await this.store.readPages(this.address, wanted);
      wanted.forEach(({ page }, i) => {
        const read = pages[i];
        const source = missing[i] as RunSource;
        if (!read || read.run !== source.run.id) throw new IndexMovedError();
        source.addPage(page, read.value);
      });
    }
  }

  private bestKnown(): string | undefined {
    let best = this.recent[0]?.timeline;
    for (const source of this.sources) {
      const bound = source.headBound();
      if (bound.known && (!best || bound.timeline > best)) best = bound.timeline;
    }
    return best;
  }

  /** Up to `count` more candidates, newest first; fewer only when none are left. */
  async take(count: number): Promise<Candidate[]> {
    const taken: Candidate[] = [];
    while (taken.length < count) {
      await this.settle();
      let from: RunSource | 'recent' | undefined;
      let best: string | undefined;
      if (this.recent[0]) [from, best] = ['recent', this.recent[0].timeline];
      for (const source of this.sources) {
        const { timeline } = source.headBound();
        if (best === undefined || timeline > best) [from, best] = [source, timeline];
      }
      if (!from || best === undefined || best < this.after) return taken;
      const candidate = from === 'recent' ? (this.recent.shift() as Candidate) : from.take();
      // A message can be in two places at once (its term set moved to the recent set while a
      // run still holds it: shared/search/index-terms); both have its timeline, so they meet.
      if (candidate.timeline === this.lastTaken) continue;
      this.lastTaken = candidate.timeline;
      if (candidate.timeline < this.before) taken.push(candidate);
    }
    return taken;
  }
}
