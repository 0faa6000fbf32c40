/**
 * The one zod of the codebase: `zod/mini`, whose functions tree-shake. The classic entry's
 * schemas carry every method, so a bundle that touches it keeps ~445 KB of zod; mini keeps what
 * the schemas use. Import it as `import * as z from '@shared/validation/zod'`.
 *
 * Mini loads no locale (its messages would all read "Invalid input"); the English one is set
 * here, once, so that the messages a caller reads in an InputValidationError stay as they are.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());

export * from 'zod/mini';
/**
 * What a schema's `parse` throws (from either zod entry). Imported from core by name: reaching it
 * as `z.core.$ZodError` would make the bundler keep the whole core namespace.
 */
export { $ZodError } from 'zod/v4/core';
