/**
 * CORS (docs/api.md#cors): no credentials flag (no request uses cookies); `CORS_ORIGINS` narrows
 * the origins when set. Shared by Yoga's answers and the HTTP front's own refusals (413, 429),
 * so a browser client can read those too, `Retry-After` included.
 */
export function allowedOrigin(allowed: readonly string[], origin: string | null): string | null {
  if (!origin) return null;
  return allowed.length === 0 || allowed.includes(origin) ? origin : null;
}

export const EXPOSED_HEADERS = ['retry-after'];

/** Yoga's `cors` option. */
export function corsOptions(allowed: readonly string[]) {
  return (request: Request) => {
    const origin = allowedOrigin(allowed, request.headers.get('origin'));
    if (!origin) return false;
    return {
      origin: [origin],
      credentials: false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type'],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
    };
  };
}

/** The headers an answer made outside Yoga carries for `origin`. */
export function corsHeaders(allowed: readonly string[], origin: string | undefined) {
  const granted = allowedOrigin(allowed, origin ?? null);
  if (!granted) return {};
  return {
    'access-control-allow-origin': granted,
    'access-control-expose-headers': EXPOSED_HEADERS.join(', '),
    vary: 'Origin',
  };
}
