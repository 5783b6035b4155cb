import { INGEST_TOKEN, type TestApp } from '../../../api/test/helpers/app.js';
import {
  TelemetryClient,
  type TelemetryClientOptions,
  type TelemetryError,
} from '../../src/index.js';

/** A client on a test server, with short timers, collecting what reaches `onError`. */
export function testClient(
  baseUrl: string | TestApp,
  options: Partial<TelemetryClientOptions> = {},
): { client: TelemetryClient; errors: TelemetryError[] } {
  const errors: TelemetryError[] = [];
  const url = typeof baseUrl === 'string' ? baseUrl : baseUrl.baseUrl;
  const client = new TelemetryClient({
    endpoint: `${url}/graphql`,
    token: INGEST_TOKEN,
    defaults: { userIdHash: 'u_sdk', sessionId: 's_sdk', channel: 'server' },
    flushIntervalMs: 20,
    retry: { baseMs: 10, maxMs: 200 },
    requestTimeoutMs: 5000,
    onError: (e) => {
      if (e.code !== 'RETRYING') errors.push(e);
    },
    ...options,
  });
  return { client, errors };
}
