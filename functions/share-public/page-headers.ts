import type { ApiResult } from '@shared/http/http-stack';

/**
 * The public pages' security headers. Nothing inline: styles and scripts are separate static
 * responses from this origin (page-assets), so the CSP allows 'self' and nothing else. Forms
 * post to this origin; `form-action` also names the object store's origin, because a download
 * form's answer is a 303 to a presigned URL there and Chromium applies form-action to redirects.
 * `connect-src` names it for the upload page, whose script PUTs parts straight to it.
 */
export function contentSecurityPolicy(objectOrigin?: string): string {
  const object = objectOrigin ? ` ${objectOrigin}` : '';
  return [
    "default-src 'none'",
    "style-src 'self'",
    "script-src 'self'",
    "img-src 'self'",
    `connect-src 'self'${object}`,
    `form-action 'self'${object}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every public response carries; no cookie is ever set. */
export function publicHeaders(contentType: string, objectOrigin?: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': contentSecurityPolicy(objectOrigin),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}

export function htmlPage(
  status: number,
  html: string,
  objectOrigin?: string,
  extra: Record<string, string> = {},
): ApiResult {
  return {
    statusCode: status,
    headers: { ...publicHeaders('text/html; charset=utf-8', objectOrigin), ...extra },
    body: html,
  };
}
