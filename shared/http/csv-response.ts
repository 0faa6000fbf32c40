import type { ApiResult } from './http-stack';

/** A CSV download: `format=csv` on the usage routes. */
export function csv(body: string, filename: string): ApiResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
    },
    body,
  };
}
