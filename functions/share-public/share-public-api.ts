import * as z from '@shared/validation/zod';
import type { ApiEvent, ApiResult } from '@shared/http/http-stack';
import { PROBLEM_CONTENT_TYPE, problemOf, type ProblemCode } from '@shared/http/problem';
import { routedHandler } from '@shared/http/route-dispatch';
import type { PublicLinkDeps } from '@shared/share/link-deps';
import {
  LinkGoneError,
  PasswordRefusedError,
  PasswordRequiredError,
  TooManyAttemptsError,
  TooManyReportsError,
} from '@shared/share/link-model';
import { MAX_LINK_PASSWORD_LENGTH } from '@shared/share/link-password';
import { grantDownload, viewLink } from '@shared/share/open-link';
import {
  MAX_REPORT_REASON_LENGTH,
  reportShare,
  type ShareReportStore,
} from '@shared/share/share-reports';
import { PASSWORD_ATTEMPTS, REPORT_ATTEMPTS } from '@shared/share/attempt-limits';
import type { RequestDeps } from '@shared/share/share-requests';
import type { SecureAccessDeps } from '@shared/send/secure-access';
import { ASSETS } from './page-assets';
import { BadFormError, bodyText, clientOf, fieldsOf, wantsJson } from './form-fields';
import { requestOperations } from './request-operations';
import { secureOperations } from './secure-operations';
import { htmlPage, publicHeaders } from './page-headers';
import {
  BAD_REQUEST_PAGE,
  GONE_PAGE,
  REPORTED_PAGE,
  sharePage,
  TOO_MANY_REPORTS_PAGE,
  type PageNotice,
} from './share-page';

export interface SharePublicDeps extends PublicLinkDeps {
  reports: ShareReportStore;
  /** Request files: the requester's share space, through share-core's upload operations. */
  requests: RequestDeps;
  /** The origin presigned URLs point at (the form's 303 goes there; the CSP must allow it). */
  objectOrigin: (bucket: string) => Promise<string>;
  /** [secure] delivery (issue 10, item 10): the secure messages' page. */
  secure: SecureAccessDeps;
}

const downloadJsonSchema = z.strictObject({
  password: z.optional(z.string().check(z.maxLength(MAX_LINK_PASSWORD_LENGTH))),
});

const reportSchema = z.strictObject({
  reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_REPORT_REASON_LENGTH)),
});

/** The one 410, for HTML and for JSON clients: fixed bytes and fixed headers. */
const GONE_HTML = htmlPage(410, GONE_PAGE);
const { instance: _none, ...goneProblem } = problemOf('LinkGone');
const GONE_JSON: ApiResult = {
  statusCode: 410,
  headers: publicHeaders(PROBLEM_CONTENT_TYPE),
  body: JSON.stringify(goneProblem),
};

const tokenOf = (event: ApiEvent) => event.pathParameters?.token ?? '';

/** The form's password field, or a JSON `{ password? }`; anything else is bad input. */
function passwordOf(event: ApiEvent): string | undefined {
  const text = bodyText(event);
  if (wantsJson(event)) {
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      throw new BadFormError();
    }
    const result = downloadJsonSchema.safeParse(parsed);
    if (!result.success) throw new BadFormError();
    return result.data.password;
  }
  const password = new URLSearchParams(text).get('password') ?? undefined;
  if (password !== undefined && password.length > MAX_LINK_PASSWORD_LENGTH)
    throw new BadFormError();
  return password;
}

function problem(code: ProblemCode, extra: Record<string, string> = {}): ApiResult {
  const { instance: _i, ...body } = problemOf(code);
  return {
    statusCode: body.status,
    headers: { ...publicHeaders(PROBLEM_CONTENT_TYPE), ...extra },
    body: JSON.stringify(body),
  };
}

const RETRY_AFTER = { 'retry-after': String(PASSWORD_ATTEMPTS.perLinkAndClient.windowSeconds) };

/** A refused download: the page again with why (or problem+json for a JSON client). */
async function refused(deps: SharePublicDeps, event: ApiEvent, error: unknown): Promise<ApiResult> {
  if (error instanceof LinkGoneError) return wantsJson(event) ? GONE_JSON : GONE_HTML;
  if (error instanceof BadFormError) {
    return wantsJson(event) ? problem('InputValidationError') : htmlPage(400, BAD_REQUEST_PAGE);
  }
  const [code, notice, status, extra]: [ProblemCode, PageNotice, number, Record<string, string>] =
    error instanceof PasswordRefusedError
      ? ['PasswordRefused', 'password-refused', 403, {}]
      : error instanceof PasswordRequiredError
        ? ['PasswordRequired', 'password-required', 403, {}]
        : error instanceof TooManyAttemptsError
          ? ['TooManyAttempts', 'too-many-attempts', 429, RETRY_AFTER]
          : (() => {
              throw error;
            })();
  if (wantsJson(event)) return problem(code, extra);
  return renderPage(deps, event, status, notice, extra);
}

async function renderPage(
  deps: SharePublicDeps,
  event: ApiEvent,
  status: number,
  notice?: PageNotice,
  extra: Record<string, string> = {},
): Promise<ApiResult> {
  const token = tokenOf(event);
  try {
    const page = await viewLink(deps, token);
    return htmlPage(
      status,
      sharePage(token, page, notice),
      await deps.objectOrigin(page.bucket),
      extra,
    );
  } catch (error) {
    if (error instanceof LinkGoneError) return GONE_HTML;
    throw error;
  }
}

/**
 * The public side of share links: no token, no cookie, one answer for every link that does not
 * open. Browsers get HTML (forms, no script); API callers that send JSON get JSON.
 */
export function createSharePublicHandler(deps: SharePublicDeps) {
  return routedHandler('share-public', async () => [], {
    'GET /s/{token}': (event) => renderPage(deps, event, 200),
    'POST /s/{token}/download': async (event) => {
      try {
        const download = await grantDownload(
          deps,
          tokenOf(event),
          passwordOf(event),
          clientOf(event),
        );
        const headers = { ...publicHeaders('application/json'), location: download.url };
        return wantsJson(event)
          ? { statusCode: 303, headers, body: JSON.stringify(download) }
          : {
              statusCode: 303,
              headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
              body: '',
            };
      } catch (error) {
        return refused(deps, event, error);
      }
    },
    'POST /s/{token}/report': async (event) => {
      const parsed = reportSchema.safeParse(fieldsOf(event));
      if (!parsed.success) {
        return wantsJson(event) ? problem('InputValidationError') : htmlPage(400, BAD_REQUEST_PAGE);
      }
      try {
        await reportShare(deps, tokenOf(event), parsed.data.reason, clientOf(event));
      } catch (error) {
        if (!(error instanceof TooManyReportsError)) throw error;
        const retry = { 'retry-after': String(REPORT_ATTEMPTS.perClient.windowSeconds) };
        return wantsJson(event)
          ? problem('TooManyReports', retry)
          : htmlPage(429, TOO_MANY_REPORTS_PAGE, undefined, retry);
      }
      return wantsJson(event)
        ? {
            statusCode: 202,
            headers: publicHeaders('application/json'),
            body: JSON.stringify({ received: true }),
          }
        : htmlPage(202, REPORTED_PAGE);
    },
    'GET /assets/{name}': async (event) => {
      const asset = ASSETS[event.pathParameters?.name ?? ''];
      if (!asset) return problem('NoSuchRoute');
      return {
        statusCode: 200,
        headers: { ...publicHeaders(asset.contentType), 'cache-control': 'public, max-age=3600' },
        body: asset.body,
      };
    },
    ...requestOperations(deps.requests, deps.objectOrigin),
    ...secureOperations(deps.secure, () => deps.objectOrigin(deps.secure.shareBucket)),
  });
}
