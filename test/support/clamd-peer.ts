import { createServer, type Server, type Socket } from 'node:net';
import { EICAR } from '@shared/scan/content-checks';

/**
 * A faithful clamd protocol peer for INSTREAM, after clamd(8) and clamd's session handling:
 * `zINSTREAM\0` (or `nINSTREAM\n`), then frames of a 4-byte big-endian length and data, a
 * zero-length frame to end; the reply is `stream: OK`, `stream: <name> FOUND`, or
 * `INSTREAM size limit exceeded. ERROR`, terminated as the command was (\0 or \n). Its only
 * signature is EICAR's, reported as clamd reports it.
 */
export interface ClamdPeer {
  port: number;
  /** Every stream it was sent, reassembled. */
  streams: Buffer[];
  close(): Promise<void>;
}

export async function startClamdPeer(
  options: { streamMaxLength?: number } = {},
): Promise<ClamdPeer> {
  const maxLength = options.streamMaxLength ?? 25 * 1024 * 1024;
  const streams: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = Buffer.alloc(0);
    let terminator: string | undefined;
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const reply = (text: string) => {
      done = true;
      socket.end(text);
    };
    socket.on('error', () => undefined);
    socket.on('data', (data: Buffer) => {
      if (done) return;
      buffer = Buffer.concat([buffer, data]);
      if (terminator === undefined) {
        const end = buffer.findIndex((b) => b === 0 || b === 0x0a);
        if (end < 0) return;
        const command = buffer.subarray(0, end).toString('latin1');
        if (command !== 'zINSTREAM' && command !== 'nINSTREAM') {
          reply('UNKNOWN COMMAND\n');
          return;
        }
        terminator = command.startsWith('z') ? '\0' : '\n';
        buffer = buffer.subarray(end + 1);
      }
      while (buffer.length >= 4) {
        const length = buffer.readUInt32BE(0);
        if (length === 0) {
          const stream = Buffer.concat(chunks);
          streams.push(stream);
          const found = stream.includes(Buffer.from(EICAR, 'latin1'));
          reply(`stream: ${found ? 'Eicar-Test-Signature FOUND' : 'OK'}${terminator}`);
          return;
        }
        if (buffer.length < 4 + length) return;
        total += length;
        if (total > maxLength) {
          reply(`INSTREAM size limit exceeded. ERROR${terminator}`);
          return;
        }
        chunks.push(buffer.subarray(4, 4 + length));
        buffer = buffer.subarray(4 + length);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    streams,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
