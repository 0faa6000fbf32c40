import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_DATA_DIR = '.data';
const RUNTIME_FILE = 'runtime.json';

/**
 * What a running `npm start` tells other local tools (the token CLI) about itself. Written
 * once everything is ready, removed on a clean stop; a stale one is recognised by its pid.
 */
export interface RuntimeInfo {
  pid: number;
  startedAt: string;
  dynamoEndpoint: string;
  s3Endpoint: string;
  /** Where `npm run token` signs in (the Cognito emulator, its pool and app client). */
  cognito: { endpoint: string; userPoolId: string; clientId: string };
  smtp: { host: string; port: number };
  api: { url: string; port: number };
}

/** SESAME_DATA_DIR, or `.data` under the working directory. */
export function dataDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SESAME_DATA_DIR || DEFAULT_DATA_DIR);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The runtime running on this data dir, or undefined if none is. */
export function readRuntimeInfo(dataDir: string): RuntimeInfo | undefined {
  let info: RuntimeInfo;
  try {
    info = JSON.parse(readFileSync(join(dataDir, RUNTIME_FILE), 'utf8')) as RuntimeInfo;
  } catch {
    return undefined;
  }
  return isAlive(info.pid) ? info : undefined;
}

export function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): void {
  writeFileSync(join(dataDir, RUNTIME_FILE), JSON.stringify(info, null, 2));
}

/** Synchronous so it also works from a process 'exit' handler. */
export function removeRuntimeInfo(dataDir: string): void {
  rmSync(join(dataDir, RUNTIME_FILE), { force: true });
}
