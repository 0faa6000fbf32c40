import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalRuntime } from '../../infra/local/local-runtime';

/** Addresses that only this machine can reach. */
const LOOPBACK_ADDRESSES = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];
const TCP_LISTEN = '0A';

let root: string;
let dataDir: string;
let sesame: LocalRuntime;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sesame-exposure-'));
  // A data dir left by an older version, readable by everyone.
  dataDir = join(root, '.data');
  mkdirSync(dataDir);
  chmodSync(dataDir, 0o755);
  sesame = await startLocal({
    dataDir,
    smtpPort: 0,
    apiPort: 0,
    persistDynamo: true,
  });
});

afterAll(async () => {
  await sesame?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** This process and every process below it (DynamoDB Local's JVM among them). */
function processTree(): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
  }
  const tree = [process.pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

function socketInodes(pids: number[]): Set<string> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]!);
      } catch {
        // closed meanwhile
      }
    }
  }
  return inodes;
}

/** /proc/net/tcp* print addresses as 32-bit words in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const bytes = (word: string) =>
    word
      .match(/../g)!
      .reverse()
      .map((byte) => parseInt(byte, 16));
  if (hex.length === 8) return bytes(hex).join('.');
  const octets = hex.match(/.{8}/g)!.flatMap(bytes);
  if (octets.slice(0, 10).every((o) => o === 0) && octets[10] === 255 && octets[11] === 255) {
    return `::ffff:${octets.slice(12).join('.')}`;
  }
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((octets[i]! << 8) | octets[i + 1]!).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Every listening TCP socket of the process tree, as `address:port`. */
function listeningSockets(): { address: string; port: number }[] {
  const inodes = socketInodes(processTree());
  const sockets = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (state !== TCP_LISTEN || !inodes.has(inode!)) continue;
      const [address, port] = local!.split(':');
      sockets.push({ address: decodeAddress(address!), port: parseInt(port!, 16) });
    }
  }
  return sockets;
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('sesame on one machine keeps to itself', () => {
  it('listens on loopback only, DynamoDB Local included', () => {
    const sockets = listeningSockets();
    const ports = sockets.map((socket) => socket.port);
    const dynamoPort = Number(new URL(readRuntime().dynamoEndpoint).port);
    const s3Port = Number(new URL(readRuntime().s3Endpoint).port);
    expect(ports).toEqual(
      expect.arrayContaining([sesame.smtp.port, sesame.api.port, dynamoPort, s3Port]),
    );
    const exposed = sockets.filter((socket) => !LOOPBACK_ADDRESSES.includes(socket.address));
    expect(exposed).toEqual([]);
  });

  it("keeps its data dir and folders owner-only, the sign-in emulator's included", () => {
    expect(modeOf(dataDir).toString(8)).toBe('700');
    for (const folder of ['dynamodb', 's3', 'queue', 'dead-letter', 'cognito']) {
      expect({ folder, mode: modeOf(join(dataDir, folder)).toString(8) }).toEqual({
        folder,
        mode: '700',
      });
    }
  });
});

function readRuntime(): { dynamoEndpoint: string; s3Endpoint: string } {
  return JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8'));
}
