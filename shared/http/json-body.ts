import type { ApiEvent } from './http-stack';
import { HttpProblemError } from './problem';

/** The request's JSON body (an absent body is `{}`); not JSON is a 400, like any bad input. */
export function jsonBody(event: ApiEvent): unknown {
  if (!event.body) return {};
  const text = event.isBase64Encoded
    ? Buffer.from(event.body, 'base64').toString('utf8')
    : event.body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpProblemError('InputValidationError', 'The body is not valid JSON.', [
      { path: '', message: 'expected a JSON object' },
    ]);
  }
}
