import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailer, OutboundMessage } from './mailer';

/**
 * The one-machine Mailer: each message becomes `<outbox>/<id>.eml`, the envelope in
 * `X-Sesame-Envelope-*` lines above it, written atomically so a reader never sees half a file.
 */
export class LocalOutboxMailer implements Mailer {
  constructor(private readonly outboxDir: string) {}

  async send(message: OutboundMessage): Promise<string> {
    await mkdir(this.outboxDir, { recursive: true });
    const id = randomUUID();
    const envelope =
      `X-Sesame-Envelope-From: <${message.from}>\r\n` +
      `X-Sesame-Envelope-To: ${message.to.map((to) => `<${to}>`).join(', ')}\r\n`;
    const path = join(this.outboxDir, `${id}.eml`);
    await writeFile(`${path}.tmp`, Buffer.concat([Buffer.from(envelope), message.raw]));
    await rename(`${path}.tmp`, path);
    return id;
  }
}
