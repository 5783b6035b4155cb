import { badInput } from '../../errors.js';

/** Keyset pages (docs/api.md): every list answers a page and where it ends. */
export const MAX_PAGE_SIZE = 500;

export interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}

export function checkPageSize(first: number, argument = 'first', max = MAX_PAGE_SIZE): void {
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw badInput(`${argument}: must be between 1 and ${max} (got ${first})`, argument);
  }
}
