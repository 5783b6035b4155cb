import { expect } from 'vitest';
import type { TestApp } from './app.js';

/** Keyset-paging helpers shared by the analyst list tests. */
export type Node = { id: string; userIdHash: string };
type Page = { nodes: Node[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };

/** A fixture's identity as the lists report it: its id within its user. */
export const keyOf = (item: { userIdHash: string } & Record<string, unknown>) =>
  `${item.eventId ?? item.errorId ?? item.traceId}/${item.userIdHash}`;

export const nodeKey = (n: Node) => `${n.id}/${n.userIdHash}`;

/** Follows `endCursor` until `hasNextPage` is false; returns every page's nodes as keys. */
export async function walk(
  app: TestApp,
  field: string,
  args: Record<string, unknown>,
  first: number,
) {
  const literalArgs = Object.entries(args)
    .map(([k, v]) => `, ${k}: ${JSON.stringify(v).replace(/"([A-Z_]+)"/g, '$1')}`)
    .join('');
  const query = `query ($first: Int, $after: String) { ${field}(first: $first, after: $after${literalArgs}) { nodes { id userIdHash } pageInfo { endCursor hasNextPage } } }`;
  const pages: string[][] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 20; guard++) {
    const res = await app.gql(query, { first, after });
    expect(res.errors).toBeUndefined();
    const page = res.data?.[field] as Page;
    pages.push(page.nodes.map(nodeKey));
    if (!page.pageInfo.hasNextPage) return pages;
    after = page.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}
