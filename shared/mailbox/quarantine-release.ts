import * as z from '../validation/zod';
import { messageView, settled } from './message-actions';
import { isLive, type MessageChangeStore, type Plan } from './message-state';
import { isWithheld } from './model';
import { NoSuchMessageError } from './read-message';

export const releaseRequestSchema = z.strictObject({
  reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)),
});

/**
 * A tenant admin lets a false positive out of quarantine: the verdict is lifted (its parts and
 * raw copy can be downloaded), who, when and why are kept on the message, and it moves to the
 * Inbox (or, in Deleted Items, will be restored to the Inbox). Releasing it again changes nothing.
 */
export async function releaseFromQuarantine(
  messages: MessageChangeStore,
  address: string,
  id: string,
  release: { by: string; reason: string },
  now: Date = new Date(),
) {
  const plan = (
    current: Parameters<Parameters<MessageChangeStore['changeMessages']>[2]>[0],
  ): Plan => {
    if (!isLive(current)) return new NoSuchMessageError();
    if (!isWithheld(current)) return 'unchanged';
    return {
      ...current,
      quarantined: false,
      release: { by: release.by, at: now.toISOString(), reason: release.reason },
      folder: current.folder === 'quarantine' ? 'inbox' : current.folder,
      ...(current.deletedFrom === 'quarantine' && { deletedFrom: 'inbox' }),
    };
  };
  const result = await messages.changeMessages(address, [id], plan, now);
  const message = settled(result.outcomes.get(id));
  return { ...messageView(message), release: message.release ?? null };
}
