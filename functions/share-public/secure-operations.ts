import * as z from '@shared/validation/zod';
import type { ApiEvent, ApiResult } from '@shared/http/http-stack';
import { PROBLEM_CONTENT_TYPE, problemOf, type ProblemCode } from '@shared/http/problem';
import {
  downloadSecureAttachment,
  openSecureMessage,
  readSecureMessage,
  replyToSecureMessage,
  sendSecureCode,
  viewSecureCover,
  type SecureAccessDeps,
  type SecureView,
} from '@shared/send/secure-access';
import {
  AlreadyRepliedError,
  AttachmentNotReadyError,
  CODE_ATTEMPTS,
  CODE_SENDS,
  CodeRefusedError,
  SECURE_LIMITS,
  SecureMessageGoneError,
  SessionExpiredError,
} from '@shared/send/secure-model';
import { TooManyAttemptsError } from '@shared/share/link-model';
import { NoSuchAttachmentError } from '@shared/mailbox/download-message';
import { BadFormError, clientOf, fieldsOf, wantsJson } from './form-fields';
import { htmlPage, publicHeaders } from './page-headers';
import {
  SECURE_GONE_PAGE,
  SECURE_REPLIED_PAGE,
  secureCoverPage,
  secureMessagePage,
  type SecureNotice,
} from './secure-page';

const SESSION = z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/));
const codeSchema = z.object({ code: z.string().check(z.maxLength(20)) });
const sessionSchema = z.object({ session: SESSION });
const replySchema = z.object({
  session: SESSION,
  // A browser sends a textarea's line breaks as CRLF but its maxlength counts each once: count
  // them as the page did, or a reply the page allowed is refused (and the typed text lost).
  text: z.string().check(
    z.overwrite((text) => text.replace(/\r\n?/g, '\n')),
    z.trim(),
    z.minLength(1),
    z.maxLength(SECURE_LIMITS.maxReplyChars),
  ),
});
const fileSchema = z.coerce.number().check(z.int(), z.minimum(0), z.maximum(1000));

/** When a refused step may be tried again: wrong codes by their window, code mails by theirs. */
const retryAfter = (rule: { windowSeconds: number }) => ({
  'retry-after': String(rule.windowSeconds),
});
const RETRY_AFTER = retryAfter(CODE_ATTEMPTS.perLinkAndClient);

const tokenOf = (event: ApiEvent) => event.pathParameters?.token ?? '';

function json(status: number, body: unknown, extra: Record<string, string> = {}): ApiResult {
  return {
    statusCode: status,
    headers: { ...publicHeaders('application/json'), ...extra },
    body: JSON.stringify(body),
  };
}

function problem(code: ProblemCode, extra: Record<string, string> = {}): ApiResult {
  const { instance: _i, ...body } = problemOf(code);
  return {
    statusCode: body.status,
    headers: { ...publicHeaders(PROBLEM_CONTENT_TYPE), ...extra },
    body: JSON.stringify(body),
  };
}

/** The form's (or JSON's) fields by schema; anything else is bad input. */
function parsed<T>(schema: z.ZodMiniType<T>, event: ApiEvent): T {
  const result = schema.safeParse(fieldsOf(event));
  if (!result.success) throw new BadFormError();
  return result.data;
}

const GONE_HTML = htmlPage(410, SECURE_GONE_PAGE);

/** The origin presigned URLs point at: a file's form answers 303 there. */
type ObjectOrigin = () => Promise<string>;

/**
 * The message page. Its file forms answer 303 to the object store, and Chromium applies the
 * page's `form-action` to that redirect: the CSP must name the store's origin.
 */
async function messagePage(
  objectOrigin: ObjectOrigin,
  event: ApiEvent,
  status: number,
  page: { session: string; view: SecureView; notice?: SecureNotice },
  extra: Record<string, string> = {},
): Promise<ApiResult> {
  const token = tokenOf(event);
  return htmlPage(
    status,
    secureMessagePage(token, page.session, page.view, page.notice),
    await objectOrigin(),
    extra,
  );
}

/** A refusal, for a JSON client as problem+json, for a browser as the page with why. */
async function refused(
  deps: SecureAccessDeps,
  objectOrigin: ObjectOrigin,
  event: ApiEvent,
  error: unknown,
  session?: string,
  retry: Record<string, string> = RETRY_AFTER,
): Promise<ApiResult> {
  const json = wantsJson(event);
  if (error instanceof SecureMessageGoneError)
    return json ? problem('SecureMessageGone') : GONE_HTML;
  const known: [new () => Error, ProblemCode, SecureNotice, number, Record<string, string>][] = [
    [BadFormError, 'InputValidationError', 'bad-input', 400, {}],
    [CodeRefusedError, 'CodeRefused', 'code-refused', 403, {}],
    [TooManyAttemptsError, 'TooManyAttempts', 'too-many-attempts', 429, retry],
    [SessionExpiredError, 'SessionExpired', 'session-expired', 403, {}],
    [AlreadyRepliedError, 'AlreadyReplied', 'already-replied', 409, {}],
    [AttachmentNotReadyError, 'AttachmentNotReady', 'file-not-ready', 409, {}],
    [NoSuchAttachmentError, 'NoSuchAttachment', 'no-such-file', 404, {}],
  ];
  const match = known.find(([type]) => error instanceof type);
  if (!match) throw error;
  const [, code, notice, status, extra] = match;
  if (json) return problem(code, extra);
  // Within a live session a refusal shows the message again (a bad reply keeps the session);
  // otherwise the cover page, where bad input can only be a code.
  if (
    session &&
    ['already-replied', 'file-not-ready', 'no-such-file', 'bad-input'].includes(notice)
  ) {
    try {
      const view = await readSecureMessage(deps, tokenOf(event), session);
      return await messagePage(objectOrigin, event, status, { session, view, notice }, extra);
    } catch (again) {
      return refused(deps, objectOrigin, event, again);
    }
  }
  return coverPage(deps, event, status, notice === 'bad-input' ? 'code-refused' : notice, extra);
}

async function coverPage(
  deps: SecureAccessDeps,
  event: ApiEvent,
  status: number,
  notice?: SecureNotice,
  extra: Record<string, string> = {},
): Promise<ApiResult> {
  try {
    const cover = await viewSecureCover(deps, tokenOf(event));
    return htmlPage(status, secureCoverPage(tokenOf(event), cover, notice), undefined, extra);
  } catch (error) {
    if (error instanceof SecureMessageGoneError) return GONE_HTML;
    throw error;
  }
}

/** The session a form carried, when it carried a well-formed one (for re-showing the message). */
function sessionIn(event: ApiEvent): string | undefined {
  try {
    return sessionSchema.safeParse(fieldsOf(event)).data?.session;
  } catch {
    return undefined;
  }
}

/**
 * [secure] delivery, the public side (issue 10, item 10): the page an outside recipient opens
 * from their notification. No cookie: the session opened by the code travels in the forms.
 * Browsers get HTML (forms, no script); JSON clients get JSON.
 */
export function secureOperations(deps: SecureAccessDeps, objectOrigin: ObjectOrigin) {
  const answer = async (
    event: ApiEvent,
    work: () => Promise<ApiResult>,
    retry: Record<string, string> = RETRY_AFTER,
  ) => {
    try {
      return await work();
    } catch (error) {
      return refused(deps, objectOrigin, event, error, sessionIn(event), retry);
    }
  };
  return {
    'GET /m/{token}': (event: ApiEvent) => coverPage(deps, event, 200),
    'POST /m/{token}/code': (event: ApiEvent) =>
      answer(
        event,
        async () => {
          const cover = await sendSecureCode(deps, tokenOf(event), clientOf(event));
          if (wantsJson(event)) return json(202, { sentTo: cover.recipient });
          return htmlPage(200, secureCoverPage(tokenOf(event), cover, 'code-sent'));
        },
        retryAfter(CODE_SENDS),
      ),
    'POST /m/{token}/open': (event: ApiEvent) =>
      answer(event, async () => {
        const { code } = parsed(codeSchema, event);
        const opened = await openSecureMessage(deps, tokenOf(event), code, clientOf(event));
        if (wantsJson(event)) return json(200, { session: opened.session, message: opened.view });
        return messagePage(objectOrigin, event, 200, opened);
      }),
    'POST /m/{token}/files/{n}': (event: ApiEvent) =>
      answer(event, async () => {
        const n = fileSchema.safeParse(event.pathParameters?.n);
        if (!n.success) throw new BadFormError();
        const { session } = parsed(sessionSchema, event);
        const download = await downloadSecureAttachment(
          deps,
          tokenOf(event),
          session,
          n.data,
          clientOf(event),
        );
        // The 303 goes to the object store: the form's CSP must name its origin.
        const headers = {
          ...publicHeaders('application/json', await objectOrigin()),
          location: download.url,
        };
        return wantsJson(event)
          ? { statusCode: 303, headers, body: JSON.stringify(download) }
          : {
              statusCode: 303,
              headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
              body: '',
            };
      }),
    'POST /m/{token}/reply': (event: ApiEvent) =>
      answer(event, async () => {
        const { session, text } = parsed(replySchema, event);
        await replyToSecureMessage(deps, tokenOf(event), session, text, clientOf(event));
        return wantsJson(event) ? json(202, { replied: true }) : htmlPage(202, SECURE_REPLIED_PAGE);
      }),
  };
}
