import type { ApiEvent } from '@shared/http/http-stack';
import type { PublicClient } from '@shared/share/link-deps';

/** Who is calling, as the public pages' limits and audit trails count them. */
export function clientOf(event: ApiEvent): PublicClient {
  return {
    address: event.requestContext.http.sourceIp,
    userAgent: event.requestContext.http.userAgent ?? '',
  };
}

export function bodyText(event: ApiEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** A JSON client (an API caller), or a browser posting a form. */
export function wantsJson(event: ApiEvent): boolean {
  return /^application\/json\b/i.test(event.headers['content-type'] ?? '');
}

export class BadFormError extends Error {}

/** The form's fields, or the JSON object; not JSON is bad input. */
export function fieldsOf(event: ApiEvent): unknown {
  const text = bodyText(event);
  if (!wantsJson(event)) return Object.fromEntries(new URLSearchParams(text));
  try {
    return text ? (JSON.parse(text) as unknown) : {};
  } catch {
    throw new BadFormError();
  }
}
