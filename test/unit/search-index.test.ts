import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeShards, ordinalsIn, shardOf } from '@shared/search/postings';
import { buildRun } from '@shared/search/run-builder';
import { SEARCH_LIMITS } from '@shared/search/search-limits';
import { queryTerms } from '@shared/search/search-messages';
import { fieldTerm, hasTerm, messageTerms, termHash } from '@shared/search/terms';

const message = (text: string, subject = 'Handover') => ({
  subject,
  from: { name: 'Carol Partner', address: 'carol@partner.example' },
  to: [{ address: 'alice@demo.test' }],
  cc: [],
  attachmentNames: ['rota.pdf'],
  text,
});

describe('the terms of a message', () => {
  it('ignore case and accents, and index sender and recipients as from:/to: terms', () => {
    const terms = messageTerms(message('Ça va TRÈS bien'));
    for (const word of ['ca', 'va', 'tres', 'bien', 'handover', 'carol', 'rota', 'pdf']) {
      expect(hasTerm(terms, termHash(word))).toBe(true);
    }
    expect(hasTerm(terms, fieldTerm('from', 'carol@partner.example'))).toBe(true);
    expect(hasTerm(terms, fieldTerm('from', 'partner.example'))).toBe(true);
    expect(hasTerm(terms, fieldTerm('to', 'alice@demo.test'))).toBe(true);
    expect(hasTerm(terms, fieldTerm('to', 'carol@partner.example'))).toBe(false);
  });

  it('are bounded, headers first, then body words in the order they appear', () => {
    const body = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
    const terms = messageTerms(message(body, 'Zanzibar'));
    expect(terms.length).toBe(SEARCH_LIMITS.maxTermsPerMessage);
    expect(hasTerm(terms, termHash('zanzibar'))).toBe(true);
    expect(hasTerm(terms, termHash('w1'))).toBe(true);
    expect(hasTerm(terms, termHash('w2999'))).toBe(false);
  });

  it('leave out one-letter and over-long words', () => {
    const terms = messageTerms(message(`a ${'x'.repeat(SEARCH_LIMITS.maxTermChars + 1)} ok`));
    expect(hasTerm(terms, termHash('a'))).toBe(false);
    expect(hasTerm(terms, termHash('ok'))).toBe(true);
  });
});

describe('a query', () => {
  it('needs a term, and no more than the limit of them', () => {
    expect(() => queryTerms({ q: '  ?! ' })).toThrow(
      expect.objectContaining({ code: 'SearchTermsRequired' }),
    );
    const many = Array.from({ length: SEARCH_LIMITS.maxQueryTerms + 1 }, (_, i) => `t${i}`);
    expect(() => queryTerms({ q: many.join(' ') })).toThrow(
      expect.objectContaining({ code: 'TooManySearchTerms' }),
    );
    expect(queryTerms({ q: 'Ward ward WARD' })).toHaveLength(1);
    expect(queryTerms({ from: 'partner.example' })).toEqual([fieldTerm('from', 'partner.example')]);
  });
});

describe('postings shards', () => {
  it('give back every term ordinals, and nothing for an absent term', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.integer({ min: 0, max: 0xffffffff }).map(String),
          fc.uniqueArray(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 40 }),
        ),
        fc.integer({ min: 16, max: 4096 }),
        (dictionary, target) => {
          const postings = new Map(
            Object.entries(dictionary).map(([term, ordinals]) => [
              Number(term),
              [...ordinals].sort((a, b) => a - b),
            ]),
          );
          const shards = encodeShards(postings, target);
          for (const [term, ordinals] of postings) {
            expect(ordinalsIn(shards[shardOf(term, shards.length)]!, term)).toEqual(ordinals);
          }
          const absent = 0xffffffff;
          if (!postings.has(absent)) {
            expect(ordinalsIn(shards[shardOf(absent, shards.length)]!, absent)).toEqual([]);
          }
        },
      ),
    );
  });

  it('number a run newest first and count a message written twice once', () => {
    const set = (id: string, timeline: string, words: string[]) => ({
      key: `${timeline}#${id}`,
      id,
      timeline: `${timeline}#${id}`,
      terms: Uint32Array.from(words.map(termHash)).sort(),
    });
    const run = buildRun(
      [
        set('a', '2026-01-01', ['ward']),
        set('b', '2026-01-03', ['ward', 'bed']),
        set('a', '2026-01-01', ['ward']),
      ],
      { id: '1.1', level: 1, slot: 0, from: '', to: 'x' },
    );
    expect(run.info).toMatchObject({ count: 2, newest: '2026-01-03#b', oldest: '2026-01-01#a' });
    expect(run.pages).toEqual([['2026-01-03#b', '2026-01-01#a']]);
    const ward = termHash('ward');
    expect(ordinalsIn(run.shards[shardOf(ward, run.info.buckets)]!, ward)).toEqual([0, 1]);
  });
});
