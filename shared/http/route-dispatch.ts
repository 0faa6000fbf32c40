import { httpHandler, type ApiEvent, type ApiResult } from './http-stack';
import { HttpProblemError } from './problem';
import type { FunctionId } from '../config/resource-names';
import type { RouteKeyOf } from './routes';

/**
 * One operation per route the function serves, no more and no fewer: a route of the table
 * without an operation, or an operation without a route, fails the typecheck.
 */
export type Operations<F extends FunctionId, Context extends unknown[]> = {
  [Key in RouteKeyOf<F>]: (event: ApiEvent, ...context: Context) => Promise<ApiResult>;
};

/**
 * An API function: the shared middy stack, then the check every route of the function needs
 * (`authorise`: the caller's own mailbox, a role, an administered tenant), then the route's
 * operation with what the check found. An unknown route is 404 before anything is checked.
 */
export function routedHandler<F extends FunctionId, Context extends unknown[]>(
  _function: F,
  authorise: (event: ApiEvent) => Promise<Context>,
  operations: Operations<F, Context>,
) {
  const table: Partial<Record<string, Operations<F, Context>[RouteKeyOf<F>]>> = operations;
  return httpHandler(async (event) => {
    const operation = table[event.routeKey];
    if (!operation) throw new HttpProblemError('NoSuchRoute', `no route ${event.routeKey}`);
    return operation(event, ...(await authorise(event)));
  });
}
