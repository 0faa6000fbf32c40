/**
 * The one error shape of the domain: a stable PascalCase `code` and a message for people.
 * shared/http/problem.ts maps known codes to statuses (the message becomes the `detail`), so
 * domain code never needs to know about HTTP. This folder imports nothing.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A domain error class for one code. `defaultMessage` is used when the thrower gives none, so
 * an error that always says the same thing is declared in one line.
 */
export function domainError<const Code extends string>(code: Code, defaultMessage?: string) {
  return class extends DomainError {
    declare readonly code: Code;
    constructor(message?: string) {
      super(code, message ?? defaultMessage ?? code);
    }
  };
}
