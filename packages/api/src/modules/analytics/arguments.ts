import { badInput } from '../../errors.js';

/**
 * Argument rules of the analyst queries only; page sizes, windows and cursors are shared
 * (modules/shared). Each error names the argument and the rule.
 */

/** A list filter given as `[]` would silently match nothing; say so instead. */
export function checkNonEmptyList<T>(values: readonly T[] | null, argument: string): void {
  if (values && values.length === 0) {
    throw badInput(`${argument}: must list at least one value when given`, argument);
  }
}
