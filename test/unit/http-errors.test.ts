import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from '@shared/validation/zod';
import { httpHandler } from '@shared/http/http-stack';
import { callerOf } from '@shared/http/identity';
import { HttpProblemError } from '@shared/http/problem';
import { apiEvent } from '@test/support/api-event';

const context = { awsRequestId: 'test' } as Context;
const event = apiEvent({
  routeKey: 'GET /x',
  caller: { address: 'Alice@Demo.test', tenantId: 'demo' },
});

describe('the error contract', () => {
  it('turns a thrown problem into problem+json with its stable code', async () => {
    const handler = httpHandler(async () => {
      throw new HttpProblemError('NoSuchMessage', 'gone');
    });
    const result = await handler(event, context);
    expect(result.statusCode).toBe(404);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(result.body!)).toMatchObject({
      type: 'urn:sesame:problem:NoSuchMessage',
      status: 404,
      code: 'NoSuchMessage',
      detail: 'gone',
      instance: event.requestContext.requestId,
    });
  });

  it('lists every invalid field of a validation error', async () => {
    const handler = httpHandler(async () => {
      z.object({ limit: z.number(), folder: z.string() }).parse({ limit: 'x' });
      return { statusCode: 200 };
    });
    const body = JSON.parse((await handler(event, context)).body!);
    expect(body.code).toBe('InputValidationError');
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(['limit', 'folder']);
  });

  it('says in English what is wrong with each field', async () => {
    const handler = httpHandler(async () => {
      z.strictObject({ limit: z.number().check(z.maximum(100)) }).parse({ limit: 101, x: 1 });
      return { statusCode: 200 };
    });
    const body = JSON.parse((await handler(event, context)).body!);
    expect(body.errors).toEqual([
      { path: 'limit', message: 'Too big: expected number to be <=100' },
      { path: '', message: 'Unrecognized key: "x"' },
    ]);
  });

  it('keeps the details of an unexpected error out of the response', async () => {
    const handler = httpHandler(async () => {
      throw new Error('connection string postgres://secret@db');
    });
    const result = await handler(event, context);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('secret');
    expect(JSON.parse(result.body!).code).toBe('InternalError');
  });
});

describe('the caller', () => {
  it('reads address, tenant and roles from the claims as API Gateway passes them', () => {
    const caller = callerOf(
      apiEvent({
        routeKey: 'GET /x',
        caller: { address: 'Alice@Demo.test', tenantId: 'demo', groups: ['tenant-admin', 'cooks'] },
      }),
    );
    expect(caller).toEqual({
      address: 'alice@demo.test',
      tenantId: 'demo',
      roles: ['user', 'tenant-admin'],
    });
  });

  it('is unauthorised with an access token, or a token that does not say what it is', () => {
    for (const tokenUse of ['access', '']) {
      const event = apiEvent({
        routeKey: 'GET /x',
        caller: { address: 'alice@demo.test', tenantId: 'demo', tokenUse },
      });
      expect(() => callerOf(event)).toThrow(
        expect.objectContaining({ code: 'Unauthorized' }) as Error,
      );
    }
  });

  it('is unauthorised without an address or a tenant', () => {
    expect(() => callerOf(apiEvent({ routeKey: 'GET /x' }))).toThrow(HttpProblemError);
  });
});
