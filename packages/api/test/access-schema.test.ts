import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  type OperationTypeNode,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_ACCESS } from '../src/graphql.js';
import { SHARE_PAGES } from '../src/modules/shared/access.js';
import { schema } from '../src/schema.js';
import {
  ADMIN_TOKEN,
  INGEST_TOKEN,
  startTestApp,
  type TestApp,
  VIEWER_TOKEN,
} from './helpers/app.js';

/**
 * Access is an allow-list (docs/api.md#access): this walks every root field of the schema and
 * sends a valid operation calling it with an ingest token. Only the listed ingest mutations may
 * run; every other field, including any added after this test was written, must answer 403.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

/** A literal that type-checks for `type`; only required inputs are filled in. */
function literal(type: GraphQLInputType): string {
  if (isNonNullType(type)) return literal(type.ofType);
  if (isListType(type)) return `[${literal(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0]?.name ?? 'null';
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${fields.map((f) => `${f.name}: ${literal(f.type)}`).join(', ')} }`;
  }
  if (isScalarType(type)) {
    const samples: Record<string, string> = {
      Int: '1',
      Float: '1.5',
      Boolean: 'true',
      String: '"x"',
      ID: '"x"',
      DateTime: '"2026-11-20T10:00:00Z"',
      Date: '"2026-11-20"',
      JSON: '{}',
    };
    return samples[type.name] ?? '"x"';
  }
  return 'null';
}

function operation(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const required = field.args.filter((a: GraphQLArgument) => isNonNullType(a.type));
  const args = required.length
    ? `(${required.map((a) => `${a.name}: ${literal(a.type)}`).join(', ')})`
    : '';
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${kind} { ${field.name}${args}${selection} }`;
}

const roots = [
  ['query', schema.getQueryType()],
  ['mutation', schema.getMutationType()],
] as const;
const fields = roots.flatMap(([kind, type]) =>
  Object.values(type?.getFields() ?? {}).map((f) => ({ kind, field: f })),
);
/** Declared on the field itself (`callableBy('ingest')`), read back from the schema. */
const ingestMay = (f: (typeof fields)[number]) =>
  ROOT_ACCESS.ingest[f.kind as OperationTypeNode].has(f.field.name);

describe('ingest token allow-list, walked over the schema', () => {
  it('the walk covers the 7 ingest mutations and every read field', () => {
    const allowed = fields.filter(ingestMay);
    expect(allowed.map((f) => f.field.name).sort()).toEqual([
      'recordError',
      'recordErrors',
      'recordEvent',
      'recordEvents',
      'recordLegacyEvents',
      'recordTrace',
      'recordTraces',
    ]);
    expect(fields.filter((f) => f.kind === 'query' && ingestMay(f))).toEqual([]);
    const refused = fields.filter((f) => !ingestMay(f));
    expect(refused.map((f) => f.field.name)).toEqual(
      expect.arrayContaining([
        'kpis',
        'cdr',
        'resurrection',
        'dauWau',
        'paidConversion',
        'events',
        'errors',
        'traces',
        'eventCounts',
        'errorGroups',
        'traceStats',
        'failedItems',
      ]),
    );
  });

  it('every other root field refuses an ingest token with 403 FORBIDDEN, and admits an admin', async () => {
    const refused = fields.filter((f) => !ingestMay(f));
    for (const { kind, field } of refused) {
      const document = operation(kind, field);
      const asIngest = await app.gql(document, {}, INGEST_TOKEN);
      expect({
        field: field.name,
        status: asIngest.status,
        code: asIngest.errors?.[0]?.extensions?.code,
      }).toEqual({
        field: field.name,
        status: 403,
        code: 'FORBIDDEN',
      });
      // the document is valid: an admin runs it (a rule may still refuse its arguments)
      const asAdmin = await app.gql(document, {}, ADMIN_TOKEN);
      expect(asAdmin.errors?.[0]?.extensions?.code ?? 'OK').not.toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });

  it('the allowed mutations run with an ingest token', async () => {
    const allowed = fields.filter(ingestMay);
    for (const { kind, field } of allowed) {
      const res = await app.gql(operation(kind, field), {}, INGEST_TOKEN);
      expect({ field: field.name, status: res.status }).toEqual({ field: field.name, status: 200 });
    }
  });

  it('a refused field cannot ride along in another operation of the same document', async () => {
    const document = `mutation M { recordEvents(events: []) { accepted } } query Q { failedItems { nodes { id } } }`;
    const res = await fetch(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
      body: JSON.stringify({ query: document, operationName: 'M' }),
    });
    expect(res.status).toBe(403);
  });
});

/** Declared on the field itself (`callableBy('viewer')`), read back from the schema. */
const viewerMay = (f: (typeof fields)[number]) =>
  ROOT_ACCESS.viewer[f.kind as OperationTypeNode].has(f.field.name);

describe('viewer token allow-list, walked over the schema', () => {
  it('a viewer may call every query but failedItems (rejected payloads), the alert rules (webhook URLs and secrets) and the share links, and no mutation', () => {
    expect(
      fields
        .filter(viewerMay)
        .map((f) => `${f.kind} ${f.field.name}`)
        .sort(),
    ).toEqual([
      'query annotations',
      'query betaTesters',
      'query cdr',
      'query channelBreakdown',
      'query dauWau',
      'query errorDailyCounts',
      'query errorGroups',
      'query errors',
      'query eventCounts',
      'query events',
      'query funnel',
      'query kpis',
      'query lifecycle',
      'query liveFeed',
      'query paidConversion',
      'query phaseRange',
      'query resurrection',
      'query retention',
      'query scrubStats',
      'query tokenKind',
      'query traceDailyStats',
      'query traceStats',
      'query traces',
    ]);
    expect(fields.filter((f) => f.kind === 'mutation' && viewerMay(f))).toEqual([]);
  });

  it('every field a viewer may not call answers 403 FORBIDDEN, every mutation included', async () => {
    const refused = fields.filter((f) => !viewerMay(f));
    expect(
      refused
        .filter((f) => f.kind === 'query')
        .map((f) => f.field.name)
        .sort(),
    ).toEqual([
      'alertRule',
      'alertRules',
      'failedItems',
      'previewAlertRule',
      'shareLink',
      'shareLinks',
    ]);
    for (const { kind, field } of refused) {
      const res = await app.gql(operation(kind, field), {}, VIEWER_TOKEN);
      expect({ field: field.name, status: res.status, error: res.errors?.[0] }).toEqual({
        field: field.name,
        status: 403,
        error: {
          message:
            'a viewer token may only read (every query but failedItems, the alert rules and the share links, no mutation); use an admin token',
          extensions: { code: 'FORBIDDEN' },
        },
      });
    }
  });

  it('every query a viewer may call runs with a viewer token (no access error)', async () => {
    for (const { kind, field } of fields.filter(viewerMay)) {
      const res = await app.gql(operation(kind, field), {}, VIEWER_TOKEN);
      const code = res.errors?.[0]?.extensions?.code ?? 'OK';
      // an argument rule may refuse the placeholder arguments (funnel's steps: 400); access may not
      const refused = res.status === 401 || res.status === 403;
      expect({ field: field.name, refused, code }).toEqual({
        field: field.name,
        refused: false,
        code: expect.not.stringMatching(/^(FORBIDDEN|UNAUTHENTICATED|GRAPHQL_VALIDATION_FAILED)$/),
      });
    }
  });

  it('tokenKind names the kind of the token the request carries', async () => {
    expect((await app.gql('{ tokenKind }', {}, VIEWER_TOKEN)).data).toEqual({
      tokenKind: 'VIEWER',
    });
    expect((await app.gql('{ tokenKind }', {}, ADMIN_TOKEN)).data).toEqual({ tokenKind: 'ADMIN' });
    expect((await app.gql('{ tokenKind }', {}, INGEST_TOKEN)).status).toBe(403);
  });

  it("a mutation cannot ride along with a viewer's query in the same document", async () => {
    const document = `query Q { tokenKind } mutation M { forgetUser(userIdHash: "${'a'.repeat(64)}") { userIdHash } }`;
    const res = await fetch(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${VIEWER_TOKEN}` },
      body: JSON.stringify({ query: document, operationName: 'Q' }),
    });
    expect(res.status).toBe(403);
  });
});

/** Declared on the field itself (`callableBy(…, 'share')`), read back from the schema. */
const shareMay = (f: (typeof fields)[number]) =>
  ROOT_ACCESS.share[f.kind as OperationTypeNode].has(f.field.name);

describe('share token allow-list, walked over the schema', () => {
  it('a share token may call the dashboard reads of the shareable pages and shareLink, no mutation', () => {
    expect(
      fields
        .filter(shareMay)
        .map((f) => `${f.kind} ${f.field.name}`)
        .sort(),
    ).toEqual([
      'query annotations',
      'query betaTesters',
      'query channelBreakdown',
      'query errorDailyCounts',
      'query errorGroups',
      'query errors',
      'query eventCounts',
      'query funnel',
      'query kpis',
      'query lifecycle',
      'query phaseRange',
      'query retention',
      'query shareLink',
      'query traceDailyStats',
      'query traceStats',
    ]);
    // every field a page lists is one a share token may call at all, or its shared view breaks
    const listed = new Set(Object.values(SHARE_PAGES).flat());
    expect([...listed].filter((name) => !ROOT_ACCESS.share.query.has(name))).toEqual([]);
    expect(Object.keys(SHARE_PAGES)).toEqual([
      '/open-beta',
      '/closed-beta',
      '/compare',
      '/retention',
      '/funnel',
      '/errors',
      '/traces',
      '/status',
    ]);
  });

  it("per page, a link's token runs exactly that page's fields and shareLink; every other field answers 403", async () => {
    for (const [page, names] of Object.entries(SHARE_PAGES)) {
      const made = await app.gql(
        'mutation ($path: String!) { createShareLink(path: $path) { token } }',
        { path: `${page}?days=30` },
      );
      const token = made.data?.createShareLink.token as string;
      const mayCall = new Set<string>([...names, 'shareLink']);
      for (const { kind, field } of fields) {
        const res = await app.gql(operation(kind, field), {}, token);
        const refused = res.status === 401 || res.status === 403;
        expect({ page, field: field.name, refused }).toEqual({
          page,
          field: field.name,
          refused: !(kind === 'query' && mayCall.has(field.name)),
        });
        if (refused) expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    }
  });
});
