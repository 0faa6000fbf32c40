import { describe, expect, it } from 'vitest';
import type { DeliveryStatus } from '@shared/mailbox/model';
import type { OutboundMessage } from '@shared/outbound/mailer';
import { deliverOutside } from '@shared/send/outside-delivery';
import { sendSecureNotifications, type SecureSend } from '@shared/send/secure-delivery';
import type { SecureMessageStore } from '@shared/send/secure-store';
import type { SendStateStore } from '@shared/send/send-state';

// Error paths of sending outside (issue 10): one recipient's failure never stops the others.
const AT = new Date('2026-12-02T10:00:00Z');
const copy = { mailbox: 'alice@demo.test', id: 'c'.repeat(32), tenantId: 'demo' };

function world() {
  const sent: OutboundMessage[] = [];
  const into = {
    copy: { ...copy, messageIdHeader: '<m@demo.test>' },
    at: AT,
    statuses: {} as Record<string, DeliveryStatus>,
    outboundIds: [] as string[],
  };
  const deps = {
    outbound: { send: async (m: OutboundMessage) => (sent.push(m), `ses-${sent.length}`) },
    state: { recordOutbound: async () => undefined } as unknown as SendStateStore,
  };
  return { sent, into, deps };
}

describe('delivering outside', () => {
  it('records a message that cannot be composed as failed, and goes on', async () => {
    const { sent, into, deps } = world();
    const broken = () => Promise.reject(new Error('cannot compose'));
    expect(
      await deliverOutside(deps, { from: 'a@demo.test', to: ['x@out.example'], raw: broken }, into),
    ).toBe(false);
    expect(
      await deliverOutside(
        deps,
        { from: 'a@demo.test', to: ['y@out.example'], raw: async () => Buffer.from('ok') },
        into,
      ),
    ).toBe(true);
    expect(into.statuses['x@out.example']).toMatchObject({
      status: 'failed',
      detail: 'cannot compose',
    });
    expect(into.statuses['y@out.example']).toMatchObject({ status: 'sent' });
    expect(sent.map((m) => m.to)).toEqual([['y@out.example']]);
  });

  it('notifies every secure recipient even when the trail cannot be written', async () => {
    const { sent, into, deps } = world();
    const store = {
      appendEvent: async () => {
        throw new Error('throttled');
      },
    } as unknown as SecureMessageStore;
    const secure = {
      secureId: 's1',
      contentKey: 'secure/demo/s1.json',
      records: [],
      ownLinked: [],
      notifications: [
        { recipient: 'x@out.example', raw: Buffer.from('one') },
        { recipient: 'y@out.example', raw: Buffer.from('two') },
      ],
    } as SecureSend;
    await sendSecureNotifications(deps, store, secure, 'alice@demo.test', into);
    expect(sent.map((m) => m.to)).toEqual([['x@out.example'], ['y@out.example']]);
    expect(Object.values(into.statuses).map((s) => s.status)).toEqual(['sent', 'sent']);
  });
});
