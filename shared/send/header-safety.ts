import addressparser from 'nodemailer/lib/addressparser/index.js';
import { normaliseAddress } from '../address/address';
import { domainError } from '../errors/domain-error';

/**
 * What a user may put into a header of outgoing mail. Every value (subject, display names,
 * addresses, file names, allow-listed headers) passes here before the composer sees it, so no
 * input can end a header line and start another (header injection) or add a recipient.
 */

/** CR, LF and NUL end or cut a header line; refused anywhere in a header value. */
const LINE_BREAKERS = /[\r\n\0]/;
/** Encoded words (RFC 2047) decode at the reader's end: one hiding a CR, LF or NUL is refused. */
const ENCODED_WORD = /=\?[^?\s]{1,64}\?([bq])\?([^?\s]{0,2000})\?=/gi;

/** Bytes of a header value we accept: long enough for any real subject, short of a DoS. */
export const MAX_HEADER_VALUE_CHARS = 2_000;

export class HeaderInjectionError extends domainError(
  'HeaderInjection',
  'A header value contains a line break or NUL.',
) {}
export class InvalidAddressError extends domainError(
  'InvalidAddress',
  'An address is not a single valid mailbox.',
) {}
export class HeaderNotAllowedError extends domainError(
  'HeaderNotAllowed',
  'Only allow-listed custom headers may be set.',
) {}

function decodedWord(encoding: string, text: string): string {
  if (encoding.toLowerCase() === 'b') return Buffer.from(text, 'base64').toString('latin1');
  return text
    .replace(/_/g, ' ')
    .replace(/=([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Throws HeaderInjectionError naming `field` if the value (or a word it encodes) breaks lines. */
export function assertHeaderSafe(field: string, value: string): void {
  if (LINE_BREAKERS.test(value)) {
    throw new HeaderInjectionError(`${field}: CR, LF and NUL are not allowed in a header value.`);
  }
  for (const [, encoding, text] of value.matchAll(ENCODED_WORD)) {
    if (LINE_BREAKERS.test(decodedWord(encoding ?? 'q', text ?? ''))) {
      throw new HeaderInjectionError(`${field}: an encoded word hides a line break or NUL.`);
    }
  }
}

/** A mailbox of a recipient list, as the parser read it. */
export interface ParsedMailbox {
  name?: string;
  address: string;
}

/** One address as a client sends it: `"a@b.example"` or `{ address, name }`. */
export type AddressInput = string | { address: string; name?: string | undefined };

/**
 * Parses one recipient with nodemailer's addressparser (the parser its composer uses, so what
 * we check is what it will write) and insists on exactly one mailbox: no groups, no lists, no
 * second address hidden after a comma or semicolon, and an address part with no quotes,
 * spaces or angle brackets left in it.
 */
export function parseSingleMailbox(field: string, input: AddressInput): ParsedMailbox {
  const text = typeof input === 'string' ? input : input.address;
  const name = typeof input === 'string' ? undefined : input.name;
  assertHeaderSafe(field, text);
  if (name !== undefined) assertHeaderSafe(`${field}.name`, name);
  const parsed = addressparser(text);
  const only = parsed[0];
  if (parsed.length !== 1 || !only || 'group' in only) {
    throw new InvalidAddressError(`${field}: must be exactly one mailbox.`);
  }
  const address = normaliseAddress(only.address);
  // A single, plain addr-spec: local@domain, nothing the parser tolerated around it.
  if (!/^[^\s@"<>(),;:\\[\]]{1,64}@[a-z0-9.-]{1,253}$/.test(address) || !address.includes('.')) {
    throw new InvalidAddressError(`${field}: "${text.slice(0, 100)}" is not a valid address.`);
  }
  const display = name ?? (only.name || undefined);
  return display ? { address, name: display } : { address };
}

/**
 * Custom headers a sender may set. Everything that routes, authenticates or identifies the
 * message (From, Sender, To, Cc, Bcc, Reply-To, Message-ID, Return-Path, DKIM, Received, the
 * MIME headers) is sesame's alone; `X-SES-*` would instruct SES and is dropped.
 */
export const ALLOWED_CUSTOM_HEADERS = ['keywords', 'comments', 'x-clinical-reference'] as const;

/** The allow-listed headers of a request, checked; X-SES-* dropped; anything else refused. */
export function customHeaders(input: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(input ?? {})) {
    const name = key.trim().toLowerCase();
    if (name.startsWith('x-ses-')) continue;
    if (!(ALLOWED_CUSTOM_HEADERS as readonly string[]).includes(name)) {
      throw new HeaderNotAllowedError(`header "${key.slice(0, 100)}" is not on the allow-list.`);
    }
    assertHeaderSafe(`headers.${name}`, value);
    out[name] = value;
  }
  return out;
}
