/**
 * A deterministic corpus for `npm run bench:search`: words drawn from a Zipf distribution over a
 * synthetic vocabulary (as natural text is), so that common words are in most messages and rare
 * ones in few, plus one word of its own per message (a reference number) to search for.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tas', 'vo', 'pel', 'dri', 'sun', 'ha', 'gor', 'bel'];

export class ZipfWords {
  private readonly words: string[] = [];
  private readonly cumulative: number[] = [];

  constructor(size: number, exponent: number, random: () => number) {
    const seen = new Set<string>();
    while (this.words.length < size) {
      const length = 2 + Math.floor(random() * 4);
      let word = '';
      for (let i = 0; i < length; i++) {
        word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
      }
      if (!seen.has(word)) {
        seen.add(word);
        this.words.push(word);
      }
    }
    let total = 0;
    for (let rank = 1; rank <= size; rank++) {
      total += 1 / rank ** exponent;
      this.cumulative.push(total);
    }
    for (let i = 0; i < size; i++) this.cumulative[i] = (this.cumulative[i] as number) / total;
  }

  /** The word of a rank (0 is the most common). */
  rank(rank: number): string {
    return this.words[rank] as string;
  }

  draw(random: () => number): string {
    const target = random();
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.cumulative[middle] as number) < target) low = middle + 1;
      else high = middle;
    }
    return this.words[low] as string;
  }

  /** About `bytes` of text: sentences of drawn words. */
  text(bytes: number, random: () => number): string {
    const parts: string[] = [];
    let length = 0;
    while (length < bytes) {
      const sentence = Array.from({ length: 8 + Math.floor(random() * 10) }, () =>
        this.draw(random),
      ).join(' ');
      parts.push(`${sentence}.`);
      length += sentence.length + 2;
    }
    return parts.join(' ');
  }
}
