/**
 * The postings of one run, split into shards by the top bits of the term hash: a shard holds,
 * for each of its terms (ascending), the hash (4 bytes), the number of messages and the message
 * ordinals (ascending, as varint gaps). A query reads one shard per term and run.
 */

function varintLength(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    length++;
  }
  return length;
}

function writeVarint(bytes: number[], value: number): void {
  while (value >= 0x80) {
    bytes.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 0x80);
  }
  bytes.push(value);
}

/** The shard of `buckets` (a power of two) that holds `term`. */
export function shardOf(term: number, buckets: number): number {
  if (buckets <= 1) return 0;
  const bits = Math.log2(buckets);
  return term >>> (32 - bits);
}

function entryLength(ordinals: number[]): number {
  let length = 4 + varintLength(ordinals.length);
  let previous = -1;
  for (const ordinal of ordinals) {
    length += varintLength(ordinal - previous - 1);
    previous = ordinal;
  }
  return length;
}

function nextPowerOfTwo(value: number): number {
  let power = 1;
  while (power < value) power *= 2;
  return power;
}

/**
 * Encodes postings (term hash -> ascending ordinals) into as many shards as make each about
 * `targetBytes` (a power of two, so that a shard is a range of hashes).
 */
export function encodeShards(postings: Map<number, number[]>, targetBytes: number): Uint8Array[] {
  const terms = [...postings.keys()].sort((a, b) => a - b);
  let total = 0;
  for (const term of terms) total += entryLength(postings.get(term) as number[]);
  const buckets = nextPowerOfTwo(Math.max(1, Math.ceil(total / targetBytes)));
  const shards: number[][] = Array.from({ length: buckets }, () => []);
  for (const term of terms) {
    const bytes = shards[shardOf(term, buckets)] as number[];
    bytes.push(term >>> 24, (term >>> 16) & 0xff, (term >>> 8) & 0xff, term & 0xff);
    const ordinals = postings.get(term) as number[];
    writeVarint(bytes, ordinals.length);
    let previous = -1;
    for (const ordinal of ordinals) {
      writeVarint(bytes, ordinal - previous - 1);
      previous = ordinal;
    }
  }
  return shards.map((bytes) => Uint8Array.from(bytes));
}

/** The ordinals of `term` in a shard (empty when it has none). */
export function ordinalsIn(shard: Uint8Array, term: number): number[] {
  let at = 0;
  const readVarint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = shard[at++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  };
  while (at + 4 <= shard.length) {
    const hash =
      (((shard[at] as number) << 24) |
        ((shard[at + 1] as number) << 16) |
        ((shard[at + 2] as number) << 8) |
        (shard[at + 3] as number)) >>>
      0;
    at += 4;
    const count = readVarint();
    if (hash > term) return [];
    const ordinals: number[] = [];
    let previous = -1;
    for (let i = 0; i < count; i++) {
      previous = previous + 1 + readVarint();
      ordinals.push(previous);
    }
    if (hash === term) return ordinals;
  }
  return [];
}
