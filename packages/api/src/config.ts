import { z } from 'zod';
import { loadScrubber } from './modules/privacy/scrub-config.js';

/** Environment (README "Configuration"). Parsed once; a bad value stops the start with its name. */
const csv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t.length > 0),
  );

const flag = (fallback: '0' | '1') =>
  z
    .enum(['0', '1', 'true', 'false'])
    .default(fallback)
    .transform((v) => v === '1' || v === 'true');

const positive = (fallback: number) => z.coerce.number().positive().default(fallback);
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Days to keep a pipeline's rows; unset keeps them for ever (docs/privacy.md). */
const retentionDays = z.coerce.number().int().min(1).max(36_500).optional();

const envSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  // HTTP server processes (node:cluster, main.ts); the background work runs once, in the primary
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  OPEN_BETA_STARTS_AT: z.iso
    .date()
    .or(z.iso.datetime({ offset: true }))
    .default('2026-10-01')
    .transform((v) => new Date(v)),
  TELEMETRY_INGEST_TOKENS: csv,
  TELEMETRY_ADMIN_TOKENS: csv,
  TELEMETRY_VIEWER_TOKENS: csv,
  SEED_DEMO: flag('1'),
  DATA_DIR: z.string().optional(),
  RETENTION_DAYS_ERRORS: retentionDays,
  RETENTION_DAYS_TRACES: retentionDays,
  RETENTION_DAYS_FAILED_ITEMS: retentionDays,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Abuse limits (docs/api.md#limits). Defaults sit far above what a real beta sends: a Cortex
  // client flushes at most one batch every two seconds.
  RATE_LIMIT_TOKEN_PER_SECOND: positive(1000),
  RATE_LIMIT_TOKEN_BURST: positive(5000),
  RATE_LIMIT_ADDRESS_PER_SECOND: positive(100),
  RATE_LIMIT_ADDRESS_BURST: positive(1000),
  TRUST_PROXY: flag('0'),
  ADMIN_CONCURRENCY: count(4),
  ADMIN_QUEUE: count(64),
  QUERY_TIMEOUT_MS: count(30_000),
  // Connections per kind of work (docs/api.md#limits): ingest, the fold and writes; reads
  DATABASE_POOL_SIZE: count(10),
  DATABASE_READ_POOL_SIZE: count(4),
  READ_PARALLEL_WORKERS: z.coerce.number().int().min(0).max(64).default(0),
  // Admission control (docs/api.md#limits): KPI day facts waiting for the fold. A KPI read adds
  // what waits, so this bounds a read's cost under full ingest, and a bound too tight refuses
  // ingest whenever a fold is slow for a few seconds: 10,000 kept bench:ingest's sustained
  // kpis(days: 30) under 300 ms p95, and bench:soak's 10 minutes at half the maximum had 0 and
  // 5 refusals (5,000: 8 and 9)
  INGEST_BACKLOG_LIMIT: count(10_000),
  // Folds side by side, each on its share of the users (modules/kpi/fold.ts): the fold is one
  // statement, so one lane uses one core
  FOLD_LANES: z.coerce.number().int().min(1).max(16).default(2),
  HTTP_HEADERS_TIMEOUT_MS: count(10_000),
  HTTP_REQUEST_TIMEOUT_MS: count(60_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: count(5_000),
  HTTP_MAX_CONNECTIONS: count(1_000),
  CORS_ORIGINS: csv,
  // Privacy (docs/privacy.md): which scrubbing rules run at ingest
  SCRUB_RULES: z.string().optional(),
  SCRUB_CONFIG: z.string().optional(),
  // Alerts (docs/alerts.md)
  ALERT_ALLOW_PRIVATE_URLS: flag('0'),
  ALERT_DASHBOARD_URL: z.string().url().optional(),
});

/** The parsed environment plus what is built from it once (the scrubber compiles its rules). */
const configSchema = envSchema.transform((env, ctx) => {
  try {
    return { ...env, scrubber: loadScrubber(env.SCRUB_RULES, env.SCRUB_CONFIG) };
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

export type Config = z.output<typeof configSchema>;

/** What alert rules need from the configuration; the link defaults to this server on localhost. */
export const alertSettingsOf = (config: Config) => ({
  allowPrivateUrls: config.ALERT_ALLOW_PRIVATE_URLS,
  dashboardUrl: config.ALERT_DASHBOARD_URL ?? `http://localhost:${config.PORT}`,
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) =>
      i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message,
    );
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
