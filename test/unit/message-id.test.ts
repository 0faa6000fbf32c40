import { describe, expect, it } from 'vitest';
import { domainOf } from '@shared/address/address';
import { deriveMessageId, MESSAGE_ID_PATTERN } from '@shared/mailbox/message-id';

describe('message id derivation', () => {
  it('gives the same id for the same SES message and recipient, whatever the address case', () => {
    const first = deriveMessageId('o3vrnil0e2ic28trm7dfh', 'Alice@Demo.test');
    const again = deriveMessageId('o3vrnil0e2ic28trm7dfh', 'alice@demo.test');
    expect(again).toBe(first);
    expect(first).toMatch(MESSAGE_ID_PATTERN);
  });

  it('gives each recipient of one message its own id', () => {
    expect(deriveMessageId('m1', 'alice@demo.test')).not.toBe(
      deriveMessageId('m1', 'bob@demo.test'),
    );
  });

  it('gives different messages to one recipient different ids', () => {
    expect(deriveMessageId('m1', 'alice@demo.test')).not.toBe(
      deriveMessageId('m2', 'alice@demo.test'),
    );
  });

  it('does not let a crafted SES id collide by moving the separator', () => {
    expect(deriveMessageId('m1\nalice', '@demo.test')).not.toBe(
      deriveMessageId('m1', 'alice@demo.test'),
    );
  });

  it('reads the domain of an address in lower case', () => {
    expect(domainOf('Alice@Demo.TEST')).toBe('demo.test');
    expect(domainOf('no-at-sign')).toBe('');
  });
});
