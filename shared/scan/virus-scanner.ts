import { domainError } from '../errors/domain-error';
/** The virus-scanner port: ClamAV (clamd) when configured; none otherwise. */
export type ScanResult = { infected: false } | { infected: true; signature: string };

export interface VirusScanner {
  /** Names the engine in findings (`clamav`). */
  readonly name: string;
  /** Throws ScannerUnavailableError when it could not scan; it never guesses clean. */
  scan(content: Uint8Array): Promise<ScanResult>;
}

export class ScannerUnavailableError extends domainError('ScannerUnavailable') {}
