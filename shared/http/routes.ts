import type { FunctionId } from '../config/resource-names';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** API Gateway v2 path syntax: `{name}` for a path parameter. */
  path: string;
  /** The Lambda (functions/<function>) that serves the route. */
  function: FunctionId;
  /** `jwt`: the JWT authorizer guards the route; `public`: nobody is asked for a token. */
  auth: 'jwt' | 'public';
}

/**
 * The one route table. CDK builds the HTTP API's routes from it and the local gateway
 * (infra/local/http-gateway) matches requests against it; handlers dispatch on `routeKey`.
 */
export const ROUTES = [
  { method: 'GET', path: '/mailboxes/me/messages', function: 'mailbox', auth: 'jwt' },
  { method: 'GET', path: '/mailboxes/me/messages/{id}', function: 'mailbox', auth: 'jwt' },
] as const satisfies readonly Route[];

export type RouteKey = `${(typeof ROUTES)[number]['method']} ${(typeof ROUTES)[number]['path']}`;

export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
