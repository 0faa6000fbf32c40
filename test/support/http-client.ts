/** A small fetch wrapper for the e2e tests: JSON in, JSON (or text) out, status and type kept. */
export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  type: string | null;
  body: T;
  text: string;
}

export function httpClient(baseUrl: string) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<HttpAnswer<T>> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const type = response.headers.get('content-type');
    const parsed = type?.includes('json') && text ? (JSON.parse(text) as T) : (text as T);
    return { status: response.status, type, body: parsed, text };
  };
}
