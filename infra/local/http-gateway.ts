import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import type { FunctionId } from '@shared/config/resource-names';
import type { ApiHandler } from '@shared/http/http-stack';
import { PROBLEM_CONTENT_TYPE, problemOf, type ProblemCode } from '@shared/http/problem';
import { ROUTES, type Route } from '@shared/http/routes';
import { logger } from '@shared/log/logger';
import { buildApiGatewayEvent, lambdaContextFor } from './api-gateway-event';
import { FunctionCrashedError, FunctionTimeoutError } from './function-workers';
import { createRouteMatcher, MalformedPathError } from './route-matcher';

export const DEFAULT_API_PORT = 3000;
/** API Gateway HTTP APIs refuse request payloads over 10 MB. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;
/**
 * Lambda refuses a synchronous response payload (the serialised result, headers and all) over
 * 6 MB, and API Gateway then answers 500; the same cap here, so a test sees what AWS would do.
 */
export const LAMBDA_RESPONSE_MAX_BYTES = 6 * 1024 * 1024;

export interface HttpGatewayOptions {
  host?: string;
  port?: number;
  /** The route table; ROUTES unless a test brings its own. */
  routes?: readonly Route[];
  /** The handler of each function the routes name. */
  handlers: Partial<Record<FunctionId, ApiHandler>>;
  /** The JWT authorizer: resolves to the verified claims or rejects. */
  verifyToken: (token: string) => Promise<JWTPayload>;
}

export interface HttpGateway {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** API Gateway's request ids are short base64 strings; the shape helps when reading logs. */
const newRequestId = () => randomBytes(10).toString('base64');

class RequestTooLargeError extends Error {}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_REQUEST_BODY_BYTES) {
        reject(new RequestTooLargeError());
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.once('error', reject);
    request.once('end', () => resolve(Buffer.concat(chunks, bytes)));
  });
}

/** The token from `Authorization: Bearer <jwt>`, the JWT authorizer's identity source. */
function bearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

function tokenProblemDetail(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ERR_JWT_EXPIRED') return 'The token has expired.';
  return 'The token is not valid for this API.';
}

function sendProblem(
  response: ServerResponse,
  requestId: string,
  code: ProblemCode,
  detail?: string,
): void {
  const problem = problemOf(code, detail, { instance: requestId });
  response.writeHead(problem.status, {
    'content-type': PROBLEM_CONTENT_TYPE,
    'apigw-requestid': requestId,
    ...(code === 'Unauthorized' && { 'www-authenticate': 'Bearer' }),
  });
  response.end(JSON.stringify(problem));
}

/**
 * A function that failed as a whole (not a problem answer it returned): an environment that
 * died or ran out of time, as API Gateway reports them (502, 504), or an error it threw (500).
 */
function functionFailureCode(error: unknown): ProblemCode {
  if (error instanceof FunctionTimeoutError) return 'FunctionTimeout';
  if (error instanceof FunctionCrashedError) return 'FunctionCrashed';
  return 'InternalError';
}

/**
 * Writes a handler's result as an HTTP API does with payload format 2.0: a structured result
 * as given, anything else as a 200 JSON body.
 */
function sendResult(response: ServerResponse, requestId: string, result: APIGatewayProxyResultV2) {
  if (
    typeof result === 'string' ||
    result === null ||
    typeof result !== 'object' ||
    !('statusCode' in result)
  ) {
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    response.writeHead(200, { 'content-type': 'application/json', 'apigw-requestid': requestId });
    response.end(body);
    return;
  }
  const headers: Record<string, string | string[]> = { 'apigw-requestid': requestId };
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  response.writeHead(result.statusCode ?? 200, headers);
  const body = result.body ?? '';
  response.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/**
 * The local API Gateway: routes from the shared table, the JWT authorizer, payload format 2.0
 * events, and the function's result written back. Handlers cannot tell it from AWS.
 */
export async function startHttpGateway(options: HttpGatewayOptions): Promise<HttpGateway> {
  const host = options.host ?? '127.0.0.1';
  const routes = options.routes ?? ROUTES;
  for (const route of routes) {
    if (!options.handlers[route.function]) {
      throw new Error(
        `no handler for function "${route.function}" (route ${route.method} ${route.path})`,
      );
    }
  }
  const match = createRouteMatcher(routes);

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const receivedAt = new Date();
    // Concatenated, not resolved against a base: `//x` must stay a path, not become a host.
    const url = new URL(`http://${host}${request.url ?? '/'}`);
    let found;
    try {
      found = match(request.method ?? 'GET', url.pathname);
    } catch (error) {
      if (!(error instanceof MalformedPathError)) throw error;
      return sendProblem(response, requestId, 'InputValidationError', error.message);
    }
    if (!found) {
      return sendProblem(
        response,
        requestId,
        'NoSuchRoute',
        `no route ${request.method} ${url.pathname}`,
      );
    }

    let claims: JWTPayload | undefined;
    if (found.route.auth === 'jwt') {
      const token = bearerToken(request);
      if (!token)
        return sendProblem(response, requestId, 'Unauthorized', 'No bearer token was sent.');
      try {
        claims = await options.verifyToken(token);
      } catch (error) {
        return sendProblem(response, requestId, 'Unauthorized', tokenProblemDetail(error));
      }
    }

    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      if (!(error instanceof RequestTooLargeError)) throw error;
      const detail = `The request body is over ${MAX_REQUEST_BODY_BYTES} bytes.`;
      return sendProblem(response, requestId, 'PayloadTooLarge', detail);
    }

    const event = buildApiGatewayEvent({
      request,
      url,
      body,
      routeKey: found.routeKey,
      pathParameters: found.pathParameters,
      requestId,
      receivedAt,
      ...(claims && { claims }),
    });
    const handler = options.handlers[found.route.function] as ApiHandler;
    let result: APIGatewayProxyResultV2;
    try {
      result = await handler(event, lambdaContextFor(found.route.function, requestId));
    } catch (error) {
      logger.error('function failed', {
        requestId,
        routeKey: found.routeKey,
        error: error as Error,
      });
      return sendProblem(response, requestId, functionFailureCode(error));
    }
    const payloadBytes = Buffer.byteLength(JSON.stringify(result) ?? '');
    if (payloadBytes > LAMBDA_RESPONSE_MAX_BYTES) {
      logger.error('function response over the Lambda payload cap', {
        requestId,
        routeKey: found.routeKey,
        payloadBytes,
        maxBytes: LAMBDA_RESPONSE_MAX_BYTES,
      });
      return sendProblem(response, requestId, 'InternalError');
    }
    sendResult(response, requestId, result);
  }

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      logger.error('local gateway failed', { error: error as Error });
      if (!response.headersSent) sendProblem(response, newRequestId(), 'InternalError');
      else response.destroy();
    });
  });

  const requested = options.port ?? DEFAULT_API_PORT;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`API port ${requested} on ${host} is already in use (set SESAME_API_PORT)`)
          : error,
      ),
    );
    server.listen(requested, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

  return {
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open; requests under way still finish.
        server.closeIdleConnections();
      }),
  };
}
