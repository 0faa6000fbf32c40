import type { ApiEvent } from './http-stack';

/**
 * Where the public pages live (share links, request links): the API's own origin, as the caller
 * reached it (API Gateway's domain name, or the local gateway's host), so a link works wherever
 * the API is served.
 */
export function publicBaseUrl(event: ApiEvent): string {
  const proto = event.headers['x-forwarded-proto']?.split(',')[0]?.trim() ?? 'http';
  return `${proto}://${event.requestContext.domainName}`;
}
