import { generateKeyPair, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandler } from '@shared/http/http-stack';
import { CLAIMS } from '@shared/http/identity';
import { PROBLEM_CONTENT_TYPE } from '@shared/http/problem';
import type { Route } from '@shared/http/routes';
import {
  LAMBDA_RESPONSE_MAX_BYTES,
  startHttpGateway,
  type HttpGateway,
} from '../../infra/local/http-gateway';

/**
 * A key pair and its verifier: the gateway is tested with whatever authorizer it is handed
 * (locally the Cognito emulator's JWKS; infra/local/cognito-emulator).
 */
interface TestIssuer {
  sign(claims: { address: string; tenantId: string; groups?: string[] }): Promise<string>;
  verify(token: string): Promise<JWTPayload>;
}

async function testIssuer(): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return {
    sign: ({ address, tenantId, groups = [] }) =>
      new SignJWT({
        [CLAIMS.address]: address,
        [CLAIMS.tenantId]: tenantId,
        email_verified: true,
        token_use: 'id',
        ...(groups.length > 0 && { [CLAIMS.groups]: groups }),
      })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer('urn:test-issuer')
        .setAudience('test-client')
        .setSubject(address)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    verify: async (token) =>
      (
        await jwtVerify(token, publicKey, {
          issuer: 'urn:test-issuer',
          audience: 'test-client',
          requiredClaims: ['exp', 'sub'],
        })
      ).payload,
  };
}

/** A route table of the same shape as ROUTES, with the cases the matcher has to get right. */
const ROUTES: Route[] = [
  { method: 'GET', path: '/things/{id}', function: 'mailbox', auth: 'jwt' },
  { method: 'GET', path: '/things/mine', function: 'mailbox', auth: 'jwt' },
  { method: 'POST', path: '/things/{id}/notes', function: 'mailbox', auth: 'jwt' },
  { method: 'GET', path: '/public/{name}', function: 'mailbox', auth: 'public' },
  { method: 'GET', path: '/broken', function: 'mailbox', auth: 'public' },
  { method: 'GET', path: '/binary', function: 'mailbox', auth: 'public' },
  { method: 'GET', path: '/huge/{bytes}', function: 'mailbox', auth: 'public' },
];

let gateway: HttpGateway;
let issuer: TestIssuer;
let strangerIssuer: TestIssuer;
let lastEvent: APIGatewayProxyEventV2WithJWTAuthorizer | undefined;

/** Stands in for a function: answers with the event it was given. */
const echo: ApiHandler = async (event) => {
  lastEvent = event;
  if (event.routeKey === 'GET /broken') throw new Error('secret internal detail');
  if (event.routeKey === 'GET /binary') {
    return {
      statusCode: 200,
      body: Buffer.from([0, 1, 2, 255]).toString('base64'),
      isBase64Encoded: true,
    };
  }
  if (event.routeKey === 'GET /huge/{bytes}') {
    return { statusCode: 200, body: 'x'.repeat(Number(event.pathParameters?.bytes)) };
  }
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(event),
  };
};

beforeAll(async () => {
  issuer = await testIssuer();
  strangerIssuer = await testIssuer();
  gateway = await startHttpGateway({
    port: 0,
    routes: ROUTES,
    handlers: { mailbox: echo },
    verifyToken: (token) => issuer.verify(token),
  });
});

afterAll(async () => {
  await gateway?.close();
});

const aliceToken = () =>
  issuer.sign({
    address: 'alice@demo.test',
    tenantId: 'demo',
    groups: ['tenant-admin', 'platform-admin'],
  });

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${gateway.url}${path}`, init);
  const text = await response.text();
  return { response, text, json: () => JSON.parse(text) };
}

describe('the local API gateway', () => {
  it('answers an unknown route with 404 problem+json NoSuchRoute', async () => {
    const { response, json } = await call('/nowhere');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
    expect(json()).toMatchObject({ status: 404, code: 'NoSuchRoute' });
  });

  it('answers a known path with the wrong method as an unknown route', async () => {
    const { response, json } = await call('/things/mine', { method: 'DELETE' });
    expect(response.status).toBe(404);
    expect(json().code).toBe('NoSuchRoute');
  });

  it.each([
    ['no Authorization header', undefined],
    ['a token that is not a JWT', 'Bearer not-a-jwt'],
    ['a token from another issuer', 'stranger'],
    ['a Basic credential', 'Basic YWxpY2U6c2VjcmV0'],
  ])('refuses a jwt route with 401 problem+json for %s', async (_case, authorization) => {
    const header =
      authorization === 'stranger'
        ? `Bearer ${await strangerIssuer.sign({ address: 'alice@demo.test', tenantId: 'demo' })}`
        : authorization;
    lastEvent = undefined;
    const { response, json } = await call('/things/mine', {
      ...(header && { headers: { authorization: header } }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(json()).toMatchObject({ status: 401, code: 'Unauthorized' });
    expect(lastEvent).toBeUndefined();
  });

  it('hands the function a payload 2.0 event with decoded path parameters and string claims', async () => {
    const { response, json } = await call('/things/a%20b%2Fc%C3%A9?tag=x&tag=y&q=hello%20world', {
      headers: { authorization: `Bearer ${await aliceToken()}`, 'X-Trace': 'abc' },
    });
    expect(response.status).toBe(200);
    const event = json() as APIGatewayProxyEventV2WithJWTAuthorizer;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /things/{id}',
      rawPath: '/things/a%20b%2Fc%C3%A9',
      rawQueryString: 'tag=x&tag=y&q=hello%20world',
      pathParameters: { id: 'a b/cé' },
      queryStringParameters: { tag: 'x,y', q: 'hello world' },
      isBase64Encoded: false,
      requestContext: {
        routeKey: 'GET /things/{id}',
        stage: '$default',
        http: { method: 'GET', path: '/things/a%20b%2Fc%C3%A9', sourceIp: '127.0.0.1' },
      },
    });
    expect(event.headers['x-trace']).toBe('abc');
    expect(event.requestContext.requestId).toBe(response.headers.get('apigw-requestid'));
    const { claims, scopes } = event.requestContext.authorizer.jwt;
    expect(scopes).toBeNull();
    expect(claims).toMatchObject({
      [CLAIMS.address]: 'alice@demo.test',
      [CLAIMS.tenantId]: 'demo',
      [CLAIMS.groups]: '[tenant-admin platform-admin]',
      token_use: 'id',
      email_verified: 'true',
    });
    expect(typeof claims.exp).toBe('string');
  });

  it('prefers a literal route over a parameter route, as API Gateway does', async () => {
    const { json } = await call('/things/mine', {
      headers: { authorization: `Bearer ${await aliceToken()}` },
    });
    expect(json()).toMatchObject({ routeKey: 'GET /things/mine' });
    expect(json().pathParameters).toBeUndefined();
  });

  it('passes a JSON body as text and a binary body base64-encoded', async () => {
    const headers = { authorization: `Bearer ${await aliceToken()}` };
    const text = await call('/things/7/notes', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{"note":"hi"}',
    });
    expect(text.json()).toMatchObject({ body: '{"note":"hi"}', isBase64Encoded: false });

    const binary = await call('/things/7/notes', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
    });
    expect(binary.json()).toMatchObject({ body: '3q2+7w==', isBase64Encoded: true });
  });

  it('serves a public route without a token and without an authorizer block', async () => {
    const { response, json } = await call('/public/report%2D1');
    expect(response.status).toBe(200);
    expect(json().pathParameters).toEqual({ name: 'report-1' });
    expect(json().requestContext.authorizer).toBeUndefined();
  });

  it('answers 400 for a path whose percent-encoding is malformed', async () => {
    const { response, json } = await call('/public/%E0%A4%A', {});
    expect(response.status).toBe(400);
    expect(json().code).toBe('InputValidationError');
  });

  it('decodes a base64 result before writing it', async () => {
    const response = await fetch(`${gateway.url}/binary`);
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it('turns a function that throws into 500 InternalError without leaking the error', async () => {
    const { response, text, json } = await call('/broken');
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
    expect(json()).toMatchObject({ status: 500, code: 'InternalError' });
    expect(text).not.toContain('secret internal detail');
  });

  it('answers 500 InternalError, as API Gateway does, when a response passes the Lambda cap', async () => {
    const under = await call(`/huge/${LAMBDA_RESPONSE_MAX_BYTES - 1024}`);
    const over = await call(`/huge/${LAMBDA_RESPONSE_MAX_BYTES}`);

    expect(under.response.status).toBe(200);
    expect(under.text.length).toBe(LAMBDA_RESPONSE_MAX_BYTES - 1024);
    expect(over.response.status).toBe(500);
    expect(over.response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
    expect(over.json()).toMatchObject({ status: 500, code: 'InternalError' });
  });

  it('refuses to start when a route names a function it has no handler for', async () => {
    await expect(
      startHttpGateway({ port: 0, routes: ROUTES, handlers: {}, verifyToken: issuer.verify }),
    ).rejects.toThrow(/no handler for function "mailbox"/);
  });
});
