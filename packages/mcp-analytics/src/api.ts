import type { TypedDocumentString } from './gql/graphql.js';

/** Where the API is and the token the MCP server reads with. */
export interface AnalyticsApi {
  /** The server's base URL (`http://localhost:4000`) or its `/graphql` endpoint. */
  url: string;
  token: string;
}

/**
 * An answer that carries no numbers: the server's own `extensions.code` and message
 * (docs/api.md#error-codes), or UNREACHABLE / TIMEOUT / BAD_RESPONSE when it gave no usable answer.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Longer than the server's own statement timeout (`QUERY_TIMEOUT_MS`, 30 s by default). */
const REQUEST_TIMEOUT_MS = 60_000;

interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: unknown } }[];
}

export const endpointOf = (url: string) => {
  const base = url.replace(/\/+$/, '');
  return base.endsWith('/graphql') ? base : `${base}/graphql`;
};

/**
 * Runs one typed document over GraphQL-over-HTTP. Any error in the answer fails the whole call,
 * partial data included: a tool answers complete numbers or none.
 */
export async function request<TResult, TVariables>(
  api: AnalyticsApi,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const endpoint = endpointOf(api.url);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${api.token}`,
      },
      body: JSON.stringify({ query: document.toString(), variables }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      throw new ApiError('TIMEOUT', `${endpoint} did not answer within ${REQUEST_TIMEOUT_MS} ms`);
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new ApiError('UNREACHABLE', `cannot reach ${endpoint}: ${reason}`);
  }
  const text = await response.text();
  let body: GraphQLBody<TResult>;
  try {
    body = JSON.parse(text) as GraphQLBody<TResult>;
  } catch {
    throw new ApiError(
      'BAD_RESPONSE',
      `HTTP ${response.status} from ${endpoint}: ${text.slice(0, 200)}`,
    );
  }
  const [first, ...rest] = body.errors ?? [];
  if (first) {
    const code =
      typeof first.extensions?.code === 'string' ? first.extensions.code : 'GRAPHQL_ERROR';
    const more = rest.length ? ` (and ${rest.length} more error(s))` : '';
    throw new ApiError(code, `${first.message}${more}`);
  }
  if (!body.data) {
    throw new ApiError('BAD_RESPONSE', `HTTP ${response.status} from ${endpoint} without data`);
  }
  return body.data;
}
