import type { IncomingMessage } from 'node:http';
import {
  type DocumentNode,
  type GraphQLArgument,
  type GraphQLOutputType,
  getNamedType,
  isEnumType,
  isObjectType,
  parse,
} from 'graphql';
import { bearerToken, type TokenSet, tokenKind } from './auth.js';
import { ERROR_CODES, type ErrorCode, errorResponse } from './errors.js';
import { type createGraphQL, ROOT_ACCESS } from './graphql.js';
import { mayRun } from './modules/shared/access.js';
import { schema } from './schema.js';

/**
 * The v1 REST paths of the admin API (docs/api.md#v1-rest-paths), kept so their callers keep
 * working. Each path runs its GraphQL field through Yoga, so the token check, the access
 * declarations, the argument validation and its messages, the query timeout and the database
 * outage answer are the GraphQL field's own; this file only translates the query string in and
 * the result out.
 */
export const REST_FIELDS = {
  '/admin/kpi/cdr': 'cdr',
  '/admin/kpi/resurrection': 'resurrection',
  '/admin/kpi/dau-wau': 'dauWau',
  '/admin/kpi/paid-conversion': 'paidConversion',
  '/admin/kpi/all': 'kpis',
} as const;

/** An answer the HTTP front writes as is (the shape of `errorResponse`). */
export type RestAnswer = ReturnType<typeof errorResponse>;

export interface RestHandler {
  serves: (pathname: string) => boolean;
  answer: (req: IncomingMessage, url: URL) => Promise<RestAnswer>;
}

/** Paths no dashboard page lives under: an unknown one is a 404 JSON, never the dashboard. */
export const isApiPath = (pathname: string) => /^\/(admin|v1)(\/|$)/.test(pathname);

export const notFound = (pathname: string) =>
  errorResponse('NOT_FOUND', `${pathname}: no such path (docs/api.md#endpoint)`);

/** Every field of the type, nested objects in full: the REST answer is the whole field. */
function selectAll(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return '';
  const fields = Object.values(named.getFields()).map((f) => `${f.name}${selectAll(f.type)}`);
  return ` { ${fields.join(' ')} }`;
}

interface Route {
  field: string;
  args: readonly GraphQLArgument[];
  document: string;
  parsed: DocumentNode;
}

function route(field: string): Route {
  const definition = schema.getQueryType()?.getFields()[field];
  if (!definition) throw new Error(`REST_FIELDS: Query.${field} does not exist`);
  const args = definition.args;
  const variables = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const passed = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const document = `query Rest(${variables}) { ${field}(${passed})${selectAll(definition.type)} }`;
  return { field, args, document, parsed: parse(document) };
}

const badParameter = (message: string) => errorResponse('BAD_USER_INPUT', message);

/**
 * A query-string value as the GraphQL variable it stands for. A whole number becomes an Int and
 * an enum's wire value (`closed_beta`) its GraphQL name (`CLOSED_BETA`); anything else goes as
 * written, so GraphQL refuses it with the message it gives any client.
 */
function variableValue(arg: GraphQLArgument, raw: string): unknown {
  const type = getNamedType(arg.type);
  if (type.name === 'Int' && /^[+-]?\d+$/.test(raw)) return Number(raw);
  if (isEnumType(type)) return type.getValues().find((v) => v.value === raw)?.name ?? raw;
  return raw;
}

function variablesOf(
  route: Route,
  url: URL,
): { ok: true; variables: Record<string, unknown> } | { ok: false; refusal: RestAnswer } {
  const variables: Record<string, unknown> = {};
  const names = route.args.map((a) => a.name);
  for (const name of new Set(url.searchParams.keys())) {
    const arg = route.args.find((a) => a.name === name);
    if (!arg) {
      const message = `${name}: not a parameter of ${url.pathname} (it takes ${names.join(', ')})`;
      return { ok: false, refusal: badParameter(message) };
    }
    const values = url.searchParams.getAll(name);
    if (values.length > 1) {
      const message = `${name}: must be given once (got ${values.length} values)`;
      return { ok: false, refusal: badParameter(message) };
    }
    variables[name] = variableValue(arg, values[0] ?? '');
  }
  return { ok: true, variables };
}

/**
 * The status of an error code on a REST path. A query timeout is an error on the field in
 * GraphQL (200 beside the other fields); here the field is the whole answer, so it is 504.
 */
const REST_STATUS: Partial<Record<ErrorCode, number>> = { QUERY_TIMEOUT: 504 };

function restStatus(code: unknown, graphqlStatus: number): number {
  if (typeof code === 'string' && code in ERROR_CODES) {
    const known = code as ErrorCode;
    return REST_STATUS[known] ?? ERROR_CODES[known].status ?? 500;
  }
  return graphqlStatus >= 400 ? graphqlStatus : 500;
}

interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** GraphQL's headers a REST client needs too (the 401 challenge, when to retry). */
const PASSED_HEADERS = ['www-authenticate', 'retry-after'];

export function createRestHandler(
  yoga: ReturnType<typeof createGraphQL>,
  tokens: TokenSet,
): RestHandler {
  const routes = new Map<string, Route>(
    Object.entries(REST_FIELDS).map(([path, field]) => [path, route(field)]),
  );
  return {
    serves: (pathname) => routes.has(pathname),
    answer: async (req, url) => {
      const known = routes.get(url.pathname);
      if (!known) return notFound(url.pathname);
      if (req.method !== 'GET') {
        return errorResponse(
          'METHOD_NOT_ALLOWED',
          `${url.pathname}: only GET (got ${req.method ?? 'no method'})`,
          { allow: 'GET' },
        );
      }
      const parsed = variablesOf(known, url);
      // a caller who may not run the field hears that first, from GraphQL (401/403), not
      // what is wrong with its parameters
      const kind = tokenKind(tokens, bearerToken(req.headers.authorization ?? null));
      if (!parsed.ok && kind !== null && mayRun(ROOT_ACCESS, kind, known.parsed)) {
        return parsed.refusal;
      }
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/json',
      };
      if (req.headers.authorization) headers.authorization = req.headers.authorization;
      const response = await yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers,
        body: JSON.stringify({
          query: known.document,
          variables: parsed.ok ? parsed.variables : {},
        }),
      });
      const result = (await response.json()) as GraphQLResult;
      const value = result.data?.[known.field];
      if (value != null && !result.errors?.length) {
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(value),
        };
      }
      const errors = (result.errors ?? []).map(({ message, extensions = {} }) => {
        const { http: _http, ...rest } = extensions;
        return { message, extensions: rest };
      });
      const passed = PASSED_HEADERS.flatMap((h) => {
        const v = response.headers.get(h);
        return v === null ? [] : [[h, v] as const];
      });
      return {
        status: restStatus(errors[0]?.extensions.code, response.status),
        headers: { 'content-type': 'application/json', ...Object.fromEntries(passed) },
        body: JSON.stringify({ errors }),
      };
    },
  };
}
