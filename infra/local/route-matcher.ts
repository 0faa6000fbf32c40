import type { Route } from '@shared/http/routes';
import { routeKey } from '@shared/http/routes';

export interface RouteMatch<R extends Route = Route> {
  route: R;
  routeKey: string;
  /** Decoded values, as API Gateway hands them to the function. */
  pathParameters: Record<string, string>;
}

/** A path segment that is not valid percent-encoding: the request is malformed, not unknown. */
export class MalformedPathError extends Error {
  readonly code = 'MalformedPath';
}

interface CompiledRoute<R extends Route> {
  route: R;
  key: string;
  pattern: RegExp;
  names: string[];
  /** Literal segments outrank parameters, and a greedy `{name+}` comes last (API Gateway's rule). */
  rank: [number, number];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile<R extends Route>(route: R): CompiledRoute<R> {
  const names: string[] = [];
  let parameters = 0;
  let greedy = 0;
  const source = route.path
    .split('/')
    .map((segment) => {
      const parameter = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(segment);
      if (!parameter) return escapeRegExp(segment);
      names.push(parameter[1] as string);
      if (parameter[2]) {
        greedy += 1;
        return '(.+)';
      }
      parameters += 1;
      return '([^/]+)';
    })
    .join('/');
  return {
    route,
    key: routeKey(route),
    pattern: new RegExp(`^${source}$`),
    names,
    rank: [greedy, parameters],
  };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new MalformedPathError(`the path has malformed percent-encoding near "${value}"`);
  }
}

/**
 * Matches requests against the route table the way an HTTP API does: method and path
 * template, most specific route first. Built once from ROUTES, the table CDK deploys.
 */
export function createRouteMatcher<R extends Route>(routes: readonly R[]) {
  const compiled = routes
    .map(compile)
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1]);

  return (method: string, rawPath: string): RouteMatch<R> | undefined => {
    for (const candidate of compiled) {
      if (candidate.route.method !== method.toUpperCase()) continue;
      const found = candidate.pattern.exec(rawPath);
      if (!found) continue;
      const pathParameters: Record<string, string> = {};
      candidate.names.forEach((name, i) => {
        pathParameters[name] = decode(found[i + 1] as string);
      });
      return { route: candidate.route, routeKey: candidate.key, pathParameters };
    }
    return undefined;
  };
}
