import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixtureBytes(path: string): Buffer {
  return readFileSync(`${FIXTURES}${path}`);
}

export function fixtureJson<T = unknown>(path: string): T {
  return JSON.parse(fixtureBytes(path).toString('utf8')) as T;
}
