import * as z from '@shared/validation/zod';
import { DomainError } from '@shared/errors/domain-error';
import type { ApiEvent, ApiResult } from '@shared/http/http-stack';
import {
  PROBLEM_CODES,
  PROBLEM_CONTENT_TYPE,
  problemOf,
  type ProblemCode,
} from '@shared/http/problem';
import { newShareFileFields, partNumbersSchema } from '@shared/share/upload-request';
import {
  completeRequestUpload,
  requestPartUrls,
  requestUploadProgress,
  RequestGoneError,
  startRequestUpload,
  viewRequest,
  type RequestDeps,
} from '@shared/share/share-requests';
import { bodyText } from './form-fields';
import { htmlPage, publicHeaders } from './page-headers';
import { REQUEST_GONE_PAGE, requestPage } from './request-page';

const newFileSchema = z.strictObject(newShareFileFields);

const fileIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/));

/** The one 410 of a request link that does not open, as JSON and as HTML. */
const { instance: _none, ...goneProblem } = problemOf('RequestGone');
const GONE_JSON: ApiResult = {
  statusCode: 410,
  headers: publicHeaders(PROBLEM_CONTENT_TYPE),
  body: JSON.stringify(goneProblem),
};

function problem(code: ProblemCode, detail?: string, errors?: unknown): ApiResult {
  const { instance: _i, ...body } = problemOf(code, detail);
  return {
    statusCode: body.status,
    headers: publicHeaders(PROBLEM_CONTENT_TYPE),
    body: JSON.stringify({ ...body, ...(errors !== undefined && { errors }) }),
  };
}

function json(status: number, body: unknown): ApiResult {
  return {
    statusCode: status,
    headers: publicHeaders('application/json'),
    body: JSON.stringify(body),
  };
}

/** Bad input and the share rules' refusals (too large, no space left) as problem+json. */
async function answering(work: () => Promise<ApiResult>): Promise<ApiResult> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RequestGoneError) return GONE_JSON;
    if (error instanceof z.$ZodError) {
      const errors = error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      }));
      return problem('InputValidationError', 'One or more parameters are not valid.', errors);
    }
    if (error instanceof DomainError && error.code in PROBLEM_CODES) {
      const code = error.code as ProblemCode;
      if (PROBLEM_CODES[code].status < 500) return problem(code, error.message);
    }
    throw error;
  }
}

/** The JSON body (absent: `{}`); not JSON is undefined, which every schema refuses (400). */
function bodyOf(event: ApiEvent): unknown {
  const text = bodyText(event);
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const tokenOf = (event: ApiEvent) => event.pathParameters?.token ?? '';
const fileOf = (event: ApiEvent) => fileIdSchema.parse(event.pathParameters?.id ?? '');

/**
 * Request files, the public side (issue 9, item 8): the upload page and the JSON routes its
 * script calls. Every file lands in the requester's own share space, `uploading` then
 * `scanning`; nothing is shareable until its scan is clean.
 */
export function requestOperations(
  deps: RequestDeps,
  objectOrigin: (bucket: string) => Promise<string>,
) {
  return {
    'GET /r/{token}': async (event: ApiEvent): Promise<ApiResult> => {
      try {
        const page = await viewRequest(deps, tokenOf(event));
        return htmlPage(200, requestPage(page), await objectOrigin(deps.objects.bucket));
      } catch (error) {
        if (error instanceof RequestGoneError) return htmlPage(410, REQUEST_GONE_PAGE);
        throw error;
      }
    },
    'POST /r/{token}/files': (event: ApiEvent) =>
      answering(async () => {
        const input = newFileSchema.parse(bodyOf(event));
        const { share, parts } = await startRequestUpload(deps, tokenOf(event), input);
        return json(201, {
          id: share.id,
          partSize: share.partSize,
          partCount: share.partCount,
          parts,
        });
      }),
    'POST /r/{token}/files/{id}/parts': (event: ApiEvent) =>
      answering(async () => {
        const { partNumbers } = partNumbersSchema.parse(bodyOf(event));
        return json(200, {
          parts: await requestPartUrls(deps, tokenOf(event), fileOf(event), partNumbers),
        });
      }),
    'GET /r/{token}/files/{id}/upload': (event: ApiEvent) =>
      answering(async () =>
        json(200, await requestUploadProgress(deps, tokenOf(event), fileOf(event))),
      ),
    'POST /r/{token}/files/{id}/complete': (event: ApiEvent) =>
      answering(async () =>
        json(202, await completeRequestUpload(deps, tokenOf(event), fileOf(event))),
      ),
  };
}
