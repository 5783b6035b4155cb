import { runIngestBench } from './ingest-run.js';

/**
 * `pnpm bench:ingest`: events/s through `recordEvents` (HTTP to the real server, in its own
 * process) beside the same rows written straight into PostgreSQL, at the same concurrency, in
 * the same run, on empty tables each time:
 * - raw COPY FROM STDIN (the best raw path; the ratio's baseline),
 * - raw INSERT of the positional rows into telemetry_events only,
 * - raw INSERT noting the KPI day facts (the service's own statement, bind parameters),
 * - the same with parameters inlined as literals, the way MikroORM's `execute` sends them,
 * then where the server's time goes: SQL vs the rest per request, Node CPU per stage, and a
 * V8 CPU profile of the warm server.
 * then a sustained run: 8 senders at full speed while kpis(days: 30) is read every 0.5 s, with
 * the fold's lag and backlog (ingest-sustain.ts).
 * Env: BENCH_EVENTS (default 200000), BENCH_CONCURRENCY (default "4,8"), BENCH_PROFILE=0 to
 * skip the profile, BENCH_SUSTAIN_SECONDS (default 120; 0 skips the sustained run),
 * BENCH_SUSTAIN_NEW_USERS=1 (every cycle new users: the fold's worst case), BENCH_WEB_PROCESSES
 * (default "1"; "1,2" runs the API path again through 2 HTTP processes, WEB_CONCURRENCY=2, right
 * after the one-process run, each beside the same COPY), DATABASE_URL (a
 * server to create a scratch database on; else embedded), CITUS_URL (a Citus coordinator: raw
 * COPY and the API on a cluster database too, printed beside the single-node figures).
 */
await runIngestBench();
