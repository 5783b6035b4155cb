import type { DocumentNode, GraphQLObjectType, GraphQLSchema, SelectionSetNode } from 'graphql';
import { Kind, OperationTypeNode } from 'graphql';
import { TOKEN_KINDS, type TokenKind } from '../../context.js';

/**
 * Who may call a root field, declared where the field is defined (docs/api.md#access):
 * `extensions: callableBy('ingest')`. An admin token may call everything; any other kind may call
 * only the fields that list it, so a field added later is closed to it until someone decides
 * otherwise. A new kind of token is one more name in `TOKEN_KINDS`, its refusal message
 * (graphql.ts), and `callableBy(…)` on the fields it may call, as the read-only viewer was done.
 */
export type ListedKind = Exclude<TokenKind, 'admin'>;

const CALLABLE_BY = 'callableBy';

export const callableBy = (...kinds: ListedKind[]) => ({ [CALLABLE_BY]: kinds });

/** Per kind and operation type, the root fields it may call. */
export type RootAccess = Readonly<
  Record<ListedKind, Readonly<Record<OperationTypeNode, ReadonlySet<string>>>>
>;

const LISTED_KINDS = TOKEN_KINDS.filter((k): k is ListedKind => k !== 'admin');

function granted(
  type: GraphQLObjectType | null | undefined,
  kind: ListedKind,
  meta: readonly string[] = ['__typename'],
): Set<string> {
  const names = Object.values(type?.getFields() ?? {})
    .filter((f) => (f.extensions[CALLABLE_BY] as ListedKind[] | undefined)?.includes(kind))
    .map((f) => f.name);
  // a kind that may call some field of a root type may also ask that type's name; one that may
  // read (some Query field) may also read the schema itself (GraphiQL for a viewer)
  return new Set(names.length > 0 ? [...names, ...meta] : []);
}

/** The access list, read once from the declarations on the schema's root fields. */
export function rootAccess(schema: GraphQLSchema): RootAccess {
  const rights = (kind: ListedKind) => ({
    [OperationTypeNode.QUERY]: granted(schema.getQueryType(), kind, [
      '__typename',
      '__schema',
      '__type',
    ]),
    [OperationTypeNode.MUTATION]: granted(schema.getMutationType(), kind),
    [OperationTypeNode.SUBSCRIPTION]: granted(schema.getSubscriptionType(), kind),
  });
  return Object.fromEntries(LISTED_KINDS.map((kind) => [kind, rights(kind)])) as Record<
    ListedKind,
    ReturnType<typeof rights>
  >;
}

function rootFieldNames(
  document: DocumentNode,
  set: SelectionSetNode,
  seen = new Set<string>(),
): string[] {
  const names: string[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) names.push(s.name.value);
    else if (s.kind === Kind.INLINE_FRAGMENT)
      names.push(...rootFieldNames(document, s.selectionSet, seen));
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const fragment = document.definitions.find(
        (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === s.name.value,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) {
        names.push(...rootFieldNames(document, fragment.selectionSet, seen));
      }
    }
  }
  return names;
}

/**
 * Whether a token of this kind may run the document. Every operation of the document counts, not
 * only the one named: a refused field cannot hide in another operation. `only`, when given,
 * narrows it further (a share token: the fields of its link's page, `sharedFields`).
 */
export function mayRun(
  access: RootAccess,
  kind: TokenKind,
  document: DocumentNode,
  only?: ReadonlySet<string>,
): boolean {
  if (kind === 'admin') return true;
  const rights = access[kind];
  return document.definitions.every(
    (d) =>
      d.kind !== Kind.OPERATION_DEFINITION ||
      rootFieldNames(document, d.selectionSet).every(
        (f) => rights[d.operation].has(f) && (only === undefined || only.has(f)),
      ),
  );
}

/**
 * The dashboard pages a share link may open (docs/api.md#share-links), each with the root fields
 * its page reads: a share token may call a field only when the field says
 * `callableBy(…, 'share')` AND its link's page lists it here. Read-only pages only: not the
 * rejected items, not the alerts, not /live (raw events as they arrive). A page that reads a new
 * field lists it here, or its shared view shows a refusal (test/access-schema.test.ts checks
 * every name below is callable by a share token).
 */
const BETA_PAGE = [
  'kpis',
  'phaseRange',
  'annotations',
  'lifecycle',
  'betaTesters',
  'channelBreakdown',
  'eventCounts',
] as const;

export const SHARE_PAGES = {
  '/open-beta': BETA_PAGE,
  '/closed-beta': BETA_PAGE,
  '/compare': ['kpis'],
  '/retention': ['retention'],
  '/funnel': ['funnel'],
  '/errors': ['errorGroups', 'errorDailyCounts', 'errors'],
  '/traces': ['traceStats', 'traceDailyStats'],
  // the server status page reads /health and /ready, no GraphQL field
  '/status': [],
} as const satisfies Record<string, readonly string[]>;

export type SharePage = keyof typeof SHARE_PAGES;

export const isSharePage = (pathname: string): pathname is SharePage =>
  Object.hasOwn(SHARE_PAGES, pathname);

/**
 * What a share token for this page may call: the page's fields, and `shareLink` (the web app asks
 * it which page to show). Nothing for a path that is no longer a shareable page.
 */
export function sharedFields(path: string): ReadonlySet<string> {
  const pathname = path.split('?')[0] ?? '';
  if (!isSharePage(pathname)) return new Set();
  return new Set<string>([...SHARE_PAGES[pathname], 'shareLink', '__typename']);
}
