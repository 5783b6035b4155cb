import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from '../../api/test/helpers/app.js';
import { ERRORS, EVENTS, TRACES } from './fixture.js';

/**
 * Issue 18 part 4: `pnpm mcp:analytics` as a real process on stdio, driven by the MCP SDK's own
 * client, reading the real API server. Every tool must answer exactly what the GraphQL fields
 * answer for the same arguments, and the numbers are worked out by hand below.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;
const MAIN = 'packages/mcp-analytics/src/main.ts';

let app: TestApp;
let mcp: Client;
let stderr = '';

function transport(token: string) {
  return new StdioClientTransport({
    command: TSX,
    args: ['--conditions=source', MAIN],
    cwd: ROOT,
    env: {
      ...(process.env as Record<string, string>),
      CORTEX_TELEMETRY_URL: app.baseUrl,
      CORTEX_TELEMETRY_TOKEN: token,
    },
    stderr: 'pipe',
  });
}

beforeAll(async () => {
  app = await startTestApp();
  await app.record('recordEvents', EVENTS);
  await app.record('recordErrors', ERRORS);
  await app.record('recordTraces', TRACES);
  const stdio = transport('test-admin-token');
  stdio.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  mcp = new Client({ name: 'mcp-analytics-test', version: '1.0.0' });
  await mcp.connect(stdio);
});
afterAll(async () => {
  await mcp?.close();
  await app?.close();
});

interface ToolAnswer {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: Record<string, any>;
}
async function call(name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
  return (await mcp.callTool({ name, arguments: args })) as ToolAnswer;
}
/** A successful answer: the summary line, the JSON twice (text and structured), no error. */
async function numbers(name: string, args: Record<string, unknown>) {
  const answer = await call(name, args);
  expect(answer.isError).toBeUndefined();
  const [summary, json, ...rest] = answer.content;
  expect(rest).toEqual([]);
  expect(JSON.parse(json?.text ?? '')).toEqual(answer.structuredContent);
  return { summary: summary?.text, data: answer.structuredContent as Record<string, any> };
}
async function graphql(query: string, variables: Record<string, unknown> = {}) {
  const res = await app.gql(query, variables);
  expect(res.errors).toBeUndefined();
  return res.data as Record<string, any>;
}

const KPI_FIELDS = `window { from to days }
  cdr { rate sessions dependentSessions }
  resurrection { rate resurrectedUsers activeUsers viaContextUsers inactiveDays }
  dauWau { dau avgDau wau mau stickiness }
  paidConversion { rate conversions eligibleUsers cancellations paidUsersAtEnd }`;
const KPI_SERIES = `${KPI_FIELDS}
  cdrSeries: cdr { series { day rate sessions dependentSessions } }`;

describe('mcp:analytics over stdio against the real server', { timeout: 120_000 }, () => {
  it('lists the read-only tools, each argument described', async () => {
    const { tools } = await mcp.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'compare_betas',
      'get_error_group',
      'get_funnel',
      'get_kpis',
      'get_lifecycle',
      'get_retention',
      'get_trace_stats',
      'list_error_groups',
    ]);
    for (const tool of tools) {
      expect(tool.annotations?.readOnlyHint).toBe(true);
      for (const [arg, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect([tool.name, arg, typeof (schema as { description?: string }).description]).toEqual([
          tool.name,
          arg,
          'string',
        ]);
      }
    }
    const kpis = tools.find((t) => t.name === 'get_kpis');
    expect(Object.keys(kpis?.inputSchema.properties ?? {}).sort()).toEqual([
      'asOf',
      'channel',
      'days',
      'phase',
      'series',
    ]);
    const retention = tools.find((t) => t.name === 'get_retention');
    expect(Object.keys(retention?.inputSchema.properties ?? {}).sort()).toEqual([
      'asOf',
      'channel',
      'days',
      'intervals',
      'period',
      'phase',
      'returnEvent',
      'startEvent',
      'type',
    ]);
    const lifecycle = tools.find((t) => t.name === 'get_lifecycle');
    expect(Object.keys(lifecycle?.inputSchema.properties ?? {}).sort()).toEqual([
      'asOf',
      'channel',
      'days',
      'period',
      'phase',
    ]);
    const funnel = tools.find((t) => t.name === 'get_funnel');
    expect(Object.keys(funnel?.inputSchema.properties ?? {}).sort()).toEqual([
      'asOf',
      'channel',
      'days',
      'phase',
      'steps',
      'windowDays',
    ]);
    expect(funnel?.inputSchema.required).toEqual(['steps']);
  });

  it('get_kpis answers the `kpis` field for the same arguments', async () => {
    // open beta, 11-10…11-12. Active: ana 10th; cy 11th (web), 12th; dan 12th → DAU 1, 1, 2;
    // WAU 1, 2, 3 → stickiness (1 + 1/2 + 2/3) / 3 = 13/18. Sessions s4 s5 s6 s7, dependent s4
    // (resume) and s7 (load) → 2/4. Nobody resurrected within the open beta (its history only):
    // 0/3. Eligible ana, cy, dan, cy converts → 1/3, cy paid at the end.
    const open = await numbers('get_kpis', { days: 3, asOf: '2026-11-12', phase: 'OPEN_BETA' });
    const { kpis } = await graphql(
      `query ($asOf: DateTime) { kpis(days: 3, asOf: $asOf, phase: OPEN_BETA) { ${KPI_FIELDS} } }`,
      { asOf: '2026-11-12T00:00:00Z' },
    );
    expect(open.data).toEqual({ kpis });
    expect(kpis.window).toEqual({
      from: '2026-11-10T00:00:00.000Z',
      to: '2026-11-13T00:00:00.000Z',
      days: 3,
    });
    expect(kpis.cdr).toEqual({ rate: 0.5, sessions: 4, dependentSessions: 2 });
    expect(kpis.resurrection).toMatchObject({ rate: 0, resurrectedUsers: 0, activeUsers: 3 });
    expect(kpis.dauWau).toMatchObject({ dau: 2, wau: 3, mau: 3 });
    expect(kpis.dauWau.avgDau).toBeCloseTo(4 / 3, 12);
    expect(kpis.dauWau.stickiness).toBeCloseTo(13 / 18, 12);
    expect(kpis.paidConversion).toMatchObject({
      conversions: 1,
      eligibleUsers: 3,
      paidUsersAtEnd: 1,
    });
    expect(kpis.paidConversion.rate).toBeCloseTo(1 / 3, 12);
    expect(open.summary).toBe(
      'open beta, all channels, 3 day(s) 2026-11-10…2026-11-12: CDR 50.0% (2/4 sessions); resurrection 0.0% (0/3 users); avg DAU 1.33, WAU 3, MAU 3; paid conversion 33.3% (1/3).',
    );

    // both betas: ana's 09-30 closed-beta day is history, so she is resurrected on 11-10 (40 idle
    // days ≥ 7), through resume-from-context that day → 1/3, 1 via context. With the daily series.
    const all = await numbers('get_kpis', { days: 3, asOf: '2026-11-12T15:00:00Z', series: true });
    const both = await graphql(`{ kpis(days: 3, asOf: "2026-11-12T15:00:00Z") { ${KPI_SERIES}
      resurrectionSeries: resurrection { series { day resurrectedUsers activeUsers } }
      dauWauSeries: dauWau { series { day dau wau mau } }
      paidSeries: paidConversion { series { day conversions cancellations } } } }`);
    const { cdrSeries, resurrectionSeries, dauWauSeries, paidSeries, ...summaries } = both.kpis;
    expect(all.data.kpis).toEqual({
      ...summaries,
      cdr: { ...summaries.cdr, series: cdrSeries.series },
      resurrection: { ...summaries.resurrection, series: resurrectionSeries.series },
      dauWau: { ...summaries.dauWau, series: dauWauSeries.series },
      paidConversion: { ...summaries.paidConversion, series: paidSeries.series },
    });
    expect(summaries.resurrection).toMatchObject({
      resurrectedUsers: 1,
      activeUsers: 3,
      viaContextUsers: 1,
    });
    expect(resurrectionSeries.series).toEqual([
      { day: '2026-11-10', resurrectedUsers: 1, activeUsers: 1 },
      { day: '2026-11-11', resurrectedUsers: 0, activeUsers: 1 },
      { day: '2026-11-12', resurrectedUsers: 0, activeUsers: 2 },
    ]);

    // the channel filter: only cy's web view on the 11th → DAU 0, 1, 0
    const web = await numbers('get_kpis', { days: 3, asOf: '2026-11-12', channel: 'WEB' });
    expect(web.data.kpis.dauWau).toMatchObject({ dau: 0, wau: 1, mau: 1, avgDau: 1 / 3 });
    expect(web.data.kpis.cdr).toEqual({ rate: 0, sessions: 1, dependentSessions: 0 });
  });

  it("compare_betas: the closed beta's last days beside the open beta's, and the differences", async () => {
    // the closed beta ends on 09-30: 09-28…09-30. Active ana 28th, ben 29th, ana 30th → DAU 1, 1, 1,
    // WAU 1, 2, 2 → stickiness 2/3; sessions s1 s2 s3, dependent s1 → 1/3; nobody converts → 0/2.
    const { summary, data } = await numbers('compare_betas', { days: 3, asOf: '2026-11-12' });
    const both = await graphql(`{
      closed: kpis(days: 3, asOf: "2026-09-30T00:00:00Z", phase: CLOSED_BETA) { ${KPI_FIELDS} }
      open: kpis(days: 3, asOf: "2026-11-12T00:00:00Z", phase: OPEN_BETA) { ${KPI_FIELDS} } }`);
    const { closed, open } = both;
    expect(data).toEqual({
      closedBeta: { firstDay: '2026-09-28', lastDay: '2026-09-30' },
      closed,
      open,
      difference: {
        cdrRate: open.cdr.rate - closed.cdr.rate,
        resurrectionRate: 0,
        avgDau: open.dauWau.avgDau - closed.dauWau.avgDau,
        stickiness: open.dauWau.stickiness - closed.dauWau.stickiness,
        paidConversionRate: open.paidConversion.rate - closed.paidConversion.rate,
      },
    });
    expect(closed.window.from).toBe('2026-09-28T00:00:00.000Z');
    expect(closed.cdr).toEqual({ rate: 1 / 3, sessions: 3, dependentSessions: 1 });
    expect(closed.dauWau).toMatchObject({ dau: 1, avgDau: 1, wau: 2, mau: 2 });
    expect(closed.paidConversion).toMatchObject({ rate: 0, conversions: 0, eligibleUsers: 2 });
    expect(data.difference.cdrRate).toBeCloseTo(1 / 2 - 1 / 3, 12);
    expect(data.difference.avgDau).toBeCloseTo(1 / 3, 12);
    expect(data.difference.stickiness).toBeCloseTo(13 / 18 - 2 / 3, 12);
    expect(data.difference.paidConversionRate).toBeCloseTo(1 / 3, 12);
    expect(summary).toBe(
      'Closed beta 3 day(s) 2026-09-28…2026-09-30: CDR 33.3% (1/3 sessions); resurrection 0.0% (0/2 users); avg DAU 1, WAU 2, MAU 2; paid conversion 0.0% (0/2). Open beta 3 day(s) 2026-11-10…2026-11-12: CDR 50.0% (2/4 sessions); resurrection 0.0% (0/3 users); avg DAU 1.33, WAU 3, MAU 3; paid conversion 33.3% (1/3).',
    );
  });

  it('list_error_groups and get_error_group answer `errorGroups`, `errorDailyCounts` and `errors`', async () => {
    const window = { from: '2026-11-01', to: '2026-11-08' };
    const groups = await numbers('list_error_groups', window);
    const gql =
      await graphql(`{ errorGroups(from: "2026-11-01T00:00:00Z", to: "2026-11-08T00:00:00Z") {
      stackHash errorType sampleMessage count usersAffected firstSeen lastSeen worstSeverity } }`);
    expect(groups.data).toEqual(gql);
    // h1: 11-02, 11-05, 11-07 by u_a, u_b, u_a; worst CRITICAL; the latest message is the sample
    expect(gql.errorGroups).toEqual([
      {
        stackHash: 'h1',
        errorType: 'TypeError',
        sampleMessage: 'latest h1 message',
        count: 3,
        usersAffected: 2,
        firstSeen: '2026-11-02T10:00:00.000Z',
        lastSeen: '2026-11-07T10:00:00.000Z',
        worstSeverity: 'CRITICAL',
      },
      expect.objectContaining({ stackHash: 'h2', count: 1, usersAffected: 1 }),
    ]);
    expect(groups.summary).toBe(
      '2 error group(s); most frequent: TypeError "latest h1 message" ×3 (2 user(s), h1).',
    );
    const critical = await numbers('list_error_groups', { ...window, severity: ['CRITICAL'] });
    expect(critical.data.errorGroups.map((g: { count: number }) => g.count)).toEqual([1]);

    const one = await numbers('get_error_group', { stackHash: 'h1', latest: 2, ...window });
    const detail = await graphql(`{
      errorDailyCounts(stackHash: "h1", from: "2026-11-01T00:00:00Z", to: "2026-11-08T00:00:00Z") { series { day count } }
      errors(stackHash: "h1", first: 2, from: "2026-11-01T00:00:00Z", to: "2026-11-08T00:00:00Z") {
        nodes { id timestamp severity errorType errorMessage stackTrace relatedEventName userIdHash
                sessionId channel phase clientVersion }
        pageInfo { hasNextPage } } }`);
    expect(one.data).toEqual({
      stackHash: 'h1',
      total: 3,
      daily: detail.errorDailyCounts[0].series,
      latest: detail.errors.nodes,
      moreOccurrences: true,
    });
    expect(one.data.daily.map((d: { count: number }) => d.count)).toEqual([0, 1, 0, 0, 1, 0, 1]);
    expect(one.data.latest.map((e: { errorMessage: string }) => e.errorMessage)).toEqual([
      'latest h1 message',
      'mid',
    ]);
    expect(one.summary).toBe(
      'Group h1: 3 occurrence(s) on 3 day(s); latest TypeError "latest h1 message" at 2026-11-07T10:00:00.000Z.',
    );
    const none = await numbers('get_error_group', { stackHash: 'nope', ...window });
    expect(none.data).toMatchObject({ total: 0, latest: [], moreOccurrences: false });
    expect(none.summary).toBe('No occurrences of group nope in the window.');
  });

  it('get_trace_stats answers `traceStats`, and `traceDailyStats` for one operation', async () => {
    const window = { from: '2026-11-15', to: '2026-11-17' };
    const all = await numbers('get_trace_stats', window);
    const gql =
      await graphql(`{ traceStats(from: "2026-11-15T00:00:00Z", to: "2026-11-17T00:00:00Z") {
      operationName count successRate p50 p95 p99 max } }`);
    expect(all.data).toEqual(gql);
    // search_context: 10 20 30 40, one failure; p50 interpolates 20…30 → 25
    expect(gql.traceStats).toEqual([
      expect.objectContaining({
        operationName: 'search_context',
        count: 4,
        successRate: 0.75,
        p50: 25,
        max: 40,
      }),
      expect.objectContaining({
        operationName: 'rag_search',
        count: 1,
        successRate: 0,
        p50: 7.5,
        max: 7.5,
      }),
    ]);
    expect(all.summary).toMatch(
      /^2 operation\(s\); busiest search_context: 4 call\(s\), 75\.0% ok, p50 25 ms, p95 [\d.]+ ms, max 40 ms\.$/,
    );

    const one = await numbers('get_trace_stats', { ...window, operationName: 'search_context' });
    const daily = await graphql(`{ traceDailyStats(operationName: "search_context",
      from: "2026-11-15T00:00:00Z", to: "2026-11-17T00:00:00Z") { day count successRate p50 p95 p99 max } }`);
    expect(one.data).toEqual({ traceStats: [gql.traceStats[0]], daily: daily.traceDailyStats });
    // 15th: 40 and 10, both ok; 16th: 30 (failed) and 20
    expect(daily.traceDailyStats).toEqual([
      expect.objectContaining({ day: '2026-11-15', count: 2, successRate: 1, p50: 25, max: 40 }),
      expect.objectContaining({ day: '2026-11-16', count: 2, successRate: 0.5, p50: 25, max: 30 }),
    ]);
  });

  it('get_retention answers the `retention` field for the same arguments', async () => {
    const FIELDS = `window { from to days } period intervals type startEvent returnEvent
      cohorts { start size values incomplete } average { values }`;
    const retention = async (args: string) =>
      (await graphql(`{ retention(${args}) { ${FIELDS} } }`)).retention;

    // days 11-10…11-12. Activity: ana 11-10 (first ever 09-28: in no cohort), cy 11-11 (web) and
    // 11-12, dan 11-12. 11-10: nobody → [0, 0, 0]; 11-11: cy, back 11-12 → [1, 1]; 11-12: dan →
    // [1]. Every row ends on asOf's day: incomplete. Average 2/2; (0 + 1)/(0 + 1); k = 2 only in
    // the empty 11-10 cohort → null.
    const day = await numbers('get_retention', {
      period: 'DAY',
      intervals: 2,
      days: 3,
      asOf: '2026-11-12',
    });
    const daily = await retention(
      'period: DAY, intervals: 2, days: 3, asOf: "2026-11-12T00:00:00Z"',
    );
    expect(day.data).toEqual({ retention: daily });
    expect(daily).toMatchObject({
      window: { from: '2026-11-10T00:00:00.000Z', to: '2026-11-13T00:00:00.000Z', days: 3 },
      period: 'DAY',
      intervals: 2,
      type: 'FIRST_TIME',
      startEvent: null,
      returnEvent: null,
    });
    expect(daily.cohorts).toEqual([
      { start: '2026-11-10', size: 0, values: [0, 0, 0], incomplete: true },
      { start: '2026-11-11', size: 1, values: [1, 1], incomplete: true },
      { start: '2026-11-12', size: 1, values: [1], incomplete: true },
    ]);
    expect(daily.average.values).toEqual([1, 1, null]);
    expect(day.summary).toBe(
      'both betas, all channels, first-time daily cohorts, 3 day(s) 2026-11-10…2026-11-12: 3 cohort(s), total size 2; average retention after 1…2 day(s): 100.0%, n/a.',
    );

    // recurring: 11-10 ana (not back) → [1, 0, 0]; 11-11 cy → [1, 1]; 11-12 cy and dan → [2].
    // Average 4/4; (0 + 1)/(1 + 1); 0/1.
    const recurring = await numbers('get_retention', {
      period: 'DAY',
      intervals: 2,
      days: 3,
      asOf: '2026-11-12',
      type: 'RECURRING',
    });
    expect(recurring.data.retention).toEqual(
      await retention(
        'period: DAY, intervals: 2, days: 3, asOf: "2026-11-12T00:00:00Z", type: RECURRING',
      ),
    );
    expect(recurring.data.retention.cohorts.map((c: { values: number[] }) => c.values)).toEqual([
      [1, 0, 0],
      [1, 1],
      [2],
    ]);
    expect(recurring.data.retention.average.values).toEqual([1, 0.5, 0]);

    // weeks from Monday 09-28 (the window 09-28…11-12, 46 days) to 11-09 (asOf's week): seven
    // cohorts. The first context loads: ana 09-28, dan 11-12. ana is not active in the two weeks
    // after → [1, 0, 0]; dan → [1]; the five weeks between are empty. Rows reaching the week of
    // 11-09 (those of 10-26, 11-02, 11-09) are incomplete. Average 2/2; 0/1; 0/1.
    const weekArgs = { intervals: 2, days: 46, asOf: '2026-11-12', startEvent: 'CONTEXT_LOADED' };
    const week = await numbers('get_retention', weekArgs);
    const weekly = await retention(
      'intervals: 2, days: 46, asOf: "2026-11-12T00:00:00Z", startEvent: CONTEXT_LOADED',
    );
    expect(week.data).toEqual({ retention: weekly });
    expect(weekly.cohorts).toEqual([
      { start: '2026-09-28', size: 1, values: [1, 0, 0], incomplete: false },
      { start: '2026-10-05', size: 0, values: [0, 0, 0], incomplete: false },
      { start: '2026-10-12', size: 0, values: [0, 0, 0], incomplete: false },
      { start: '2026-10-19', size: 0, values: [0, 0, 0], incomplete: false },
      { start: '2026-10-26', size: 0, values: [0, 0, 0], incomplete: true },
      { start: '2026-11-02', size: 0, values: [0, 0], incomplete: true },
      { start: '2026-11-09', size: 1, values: [1], incomplete: true },
    ]);
    expect(weekly.average.values).toEqual([1, 0, 0]);
    expect(week.summary).toBe(
      'both betas, all channels, first-time weekly cohorts (start CONTEXT_LOADED), 46 day(s) 2026-09-28…2026-11-12: 7 cohort(s), total size 2; average retention after 1…2 week(s): 0.0%, 0.0%.',
    );

    // the open beta alone: its history starts 11-10, so ana, cy and dan all start in the week of
    // 11-09 → [3]; no cohort before it has users → average [1, null, null].
    const open = await numbers('get_retention', {
      intervals: 2,
      days: 46,
      asOf: '2026-11-12',
      phase: 'OPEN_BETA',
    });
    expect(open.data.retention).toEqual(
      await retention('intervals: 2, days: 46, asOf: "2026-11-12T00:00:00Z", phase: OPEN_BETA'),
    );
    expect(open.data.retention.cohorts.at(-1)).toEqual({
      start: '2026-11-09',
      size: 3,
      values: [3],
      incomplete: true,
    });
    expect(open.data.retention.average.values).toEqual([1, null, null]);
  });

  it('get_lifecycle answers the `lifecycle` field for the same arguments', async () => {
    const FIELDS = `window { from to days } period
      periods { start new returning resurrecting dormant active }`;
    const lifecycle = async (args: string) =>
      (await graphql(`{ lifecycle(${args}) { ${FIELDS} } }`)).lifecycle;
    const row = (start: string, n: number, ret: number, res: number, dormant: number) => ({
      start,
      new: n,
      returning: ret,
      resurrecting: res,
      dormant,
      active: n + ret + res,
    });

    // days 11-10…11-12 (the default period, DAY). 11-10: ana, first active 09-28 and not on 11-09
    // → resurrecting. 11-11: cy's first activity (web) → new; ana is not back → dormant.
    // 11-12: cy again → returning; dan's first → new; everyone of 11-11 is back → 0 dormant.
    const day = await numbers('get_lifecycle', { days: 3, asOf: '2026-11-12' });
    const daily = await lifecycle('days: 3, asOf: "2026-11-12T00:00:00Z"');
    expect(day.data).toEqual({ lifecycle: daily });
    expect(daily).toMatchObject({
      window: { from: '2026-11-10T00:00:00.000Z', to: '2026-11-13T00:00:00.000Z', days: 3 },
      period: 'DAY',
    });
    expect(daily.periods).toEqual([
      row('2026-11-10', 0, 0, 1, 0),
      row('2026-11-11', 1, 0, 0, 1),
      row('2026-11-12', 1, 1, 0, 0),
    ]);
    expect(day.summary).toBe(
      'both betas, all channels, daily lifecycle, 3 day(s) 2026-11-10…2026-11-12: 3 period(s); latest (2026-11-12) 2 active = 1 new + 1 returning + 0 resurrecting, 0 dormant; over all periods 2 new, 1 resurrecting.',
    );

    // the open beta alone: its history starts 11-10, so ana is new there, not resurrecting
    const open = await numbers('get_lifecycle', {
      days: 3,
      asOf: '2026-11-12',
      phase: 'OPEN_BETA',
    });
    expect(open.data.lifecycle).toEqual(
      await lifecycle('days: 3, asOf: "2026-11-12T00:00:00Z", phase: OPEN_BETA'),
    );
    expect(open.data.lifecycle.periods).toEqual([
      row('2026-11-10', 1, 0, 0, 0),
      row('2026-11-11', 1, 0, 0, 1),
      row('2026-11-12', 1, 1, 0, 0),
    ]);

    // weeks from Monday 09-28 to 11-09 (asOf's week). 09-28: ana and ben, both first ever → 2 new;
    // 10-05: nobody, both dormant; then empty weeks; 11-09: cy and dan new, ana back after five
    // idle weeks → resurrecting; nobody was active in the week of 11-02 → 0 dormant.
    const week = await numbers('get_lifecycle', { period: 'WEEK', days: 46, asOf: '2026-11-12' });
    expect(week.data.lifecycle).toEqual(
      await lifecycle('period: WEEK, days: 46, asOf: "2026-11-12T00:00:00Z"'),
    );
    expect(week.data.lifecycle.periods).toEqual([
      row('2026-09-28', 2, 0, 0, 0),
      row('2026-10-05', 0, 0, 0, 2),
      row('2026-10-12', 0, 0, 0, 0),
      row('2026-10-19', 0, 0, 0, 0),
      row('2026-10-26', 0, 0, 0, 0),
      row('2026-11-02', 0, 0, 0, 0),
      row('2026-11-09', 2, 0, 1, 0),
    ]);
    expect(week.summary).toBe(
      'both betas, all channels, weekly lifecycle, 46 day(s) 2026-09-28…2026-11-12: 7 period(s); latest (2026-11-09) 3 active = 2 new + 0 returning + 1 resurrecting, 0 dormant; over all periods 4 new, 1 resurrecting.',
    );
  });

  it('get_funnel answers the `funnel` field for the same arguments', async () => {
    const FIELDS = `window { from to days } windowDays
      steps { eventName users conversionFromStart conversionFromPrevious medianSecondsFromPrevious }`;
    const funnel = async (args: string) =>
      (await graphql(`{ funnel(${args}) { ${FIELDS} } }`)).funnel;

    // window 09-28…11-12. Entries by a first session: ana 09-28 10:00, cy 11-12 10:00. A context
    // load after it within 14 days: ana's at 10:01 (60 s); cy has none (dan's is dan's).
    const loaded = await numbers('get_funnel', {
      steps: ['SESSION_STARTED', 'CONTEXT_LOADED'],
      days: 46,
      asOf: '2026-11-12',
    });
    const answered = await funnel(
      'steps: [SESSION_STARTED, CONTEXT_LOADED], days: 46, asOf: "2026-11-12T00:00:00Z"',
    );
    expect(loaded.data).toEqual({ funnel: answered });
    expect(answered).toEqual({
      window: { from: '2026-09-28T00:00:00.000Z', to: '2026-11-13T00:00:00.000Z', days: 46 },
      windowDays: 14,
      steps: [
        {
          eventName: 'SESSION_STARTED',
          users: 2,
          conversionFromStart: 1,
          conversionFromPrevious: null,
          medianSecondsFromPrevious: null,
        },
        {
          eventName: 'CONTEXT_LOADED',
          users: 1,
          conversionFromStart: 0.5,
          conversionFromPrevious: 0.5,
          medianSecondsFromPrevious: 60,
        },
      ],
    });
    expect(loaded.summary).toBe(
      'both betas, all channels, 2-step funnel within 14 day(s) of entry, 46 day(s) 2026-09-28…2026-11-12: SESSION_STARTED 2 → CONTEXT_LOADED 1 (50.0%); overall 50.0%.',
    );

    // a step repeated: ana's second session (09-30 10:00) is exactly 2 × 24 h after her entry,
    // so it counts with windowDays 2 (172800 s) and not with 1; cy never has a second one
    const twice = { steps: ['SESSION_STARTED', 'SESSION_STARTED'], days: 46, asOf: '2026-11-12' };
    const two = await numbers('get_funnel', { ...twice, windowDays: 2 });
    expect(two.data.funnel).toEqual(
      await funnel(
        'steps: [SESSION_STARTED, SESSION_STARTED], windowDays: 2, days: 46, asOf: "2026-11-12T00:00:00Z"',
      ),
    );
    expect(two.data.funnel.steps.map((s: { users: number }) => s.users)).toEqual([2, 1]);
    expect(two.data.funnel.steps[1].medianSecondsFromPrevious).toBe(172_800);
    const one = await numbers('get_funnel', { ...twice, windowDays: 1 });
    expect(one.data.funnel.steps[1]).toEqual({
      eventName: 'SESSION_STARTED',
      users: 0,
      conversionFromStart: 0,
      conversionFromPrevious: 0,
      medianSecondsFromPrevious: null,
    });

    // the closed beta alone: ana only (cy's session is open beta)
    const closed = await numbers('get_funnel', {
      steps: ['SESSION_STARTED', 'CONTEXT_LOADED'],
      days: 46,
      asOf: '2026-11-12',
      phase: 'CLOSED_BETA',
    });
    expect(closed.data.funnel.steps.map((s: { users: number }) => s.users)).toEqual([1, 1]);
    expect(closed.summary).toMatch(/^closed beta, all channels, 2-step funnel/);
  });

  it("turns the server's errors into tool errors carrying the code", async () => {
    const bad = await call('get_kpis', { days: 0 });
    const res = await app.gql('{ kpis(days: 0) { window { days } } }');
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.isError).toBe(true);
    expect(bad.content).toEqual([
      { type: 'text', text: `BAD_USER_INPUT: ${res.errors?.[0]?.message}` },
    ]);
    expect(bad.structuredContent).toEqual({
      error: { code: 'BAD_USER_INPUT', message: res.errors?.[0]?.message },
    });

    const intervals = await call('get_retention', { intervals: 27 });
    const refused = await app.gql('{ retention(intervals: 27) { intervals } }');
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toMatch(/intervals/);
    expect(intervals.isError).toBe(true);
    expect(intervals.structuredContent).toEqual({
      error: { code: 'BAD_USER_INPUT', message: refused.errors?.[0]?.message },
    });

    const steps = await call('get_funnel', { steps: ['SESSION_STARTED'] });
    const short = await app.gql('{ funnel(steps: [SESSION_STARTED]) { windowDays } }');
    expect(short.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(short.errors?.[0]?.message).toMatch(/^steps: /);
    expect(steps.isError).toBe(true);
    expect(steps.structuredContent).toEqual({
      error: { code: 'BAD_USER_INPUT', message: short.errors?.[0]?.message },
    });
    const unknown = await call('get_funnel', { steps: ['SESSION_STARTED', 'NOT_AN_EVENT'] });
    expect(unknown.isError).toBe(true);
    expect(unknown.content[0]?.text).toMatch(/Input validation error: .*get_funnel/);

    const window = await call('list_error_groups', { from: '2026-11-08', to: '2026-11-01' });
    expect(window.isError).toBe(true);
    expect(window.content[0]?.text).toMatch(/^BAD_USER_INPUT: /);

    // a value the server's scalar refuses: the same code and message as over GraphQL
    const asOf = await call('get_kpis', { asOf: 'yesterday' });
    const coercion = await app.gql(
      'query ($asOf: DateTime) { kpis(asOf: $asOf) { window { days } } }',
      {
        asOf: 'yesterday',
      },
    );
    const [refusal] = coercion.errors ?? [];
    expect(refusal?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(asOf.isError).toBe(true);
    expect(asOf.content[0]?.text).toBe(`${refusal?.extensions?.code}: ${refusal?.message}`);

    // a wrong type never reaches the server: the SDK's own argument check
    const typed = await call('get_kpis', { days: 'seven' });
    expect(typed.isError).toBe(true);
    expect(typed.content[0]?.text).toMatch(
      /Input validation error: Invalid arguments for tool get_kpis/,
    );
  });

  it('a token the server refuses is UNAUTHENTICATED; an ingest token is FORBIDDEN', async () => {
    for (const [token, code] of [
      ['not-a-token', 'UNAUTHENTICATED'],
      [INGEST_TOKEN, 'FORBIDDEN'],
    ]) {
      const client = new Client({ name: 'mcp-analytics-test', version: '1.0.0' });
      await client.connect(transport(token as string));
      const answer = (await client.callTool({ name: 'get_kpis', arguments: {} })) as ToolAnswer;
      await client.close();
      expect(answer.isError).toBe(true);
      expect(answer.structuredContent?.error.code).toBe(code);
    }
  });

  it('refuses to start without a token, saying which variable to set', () => {
    const run = spawnSync(TSX, ['--conditions=source', MAIN], {
      cwd: ROOT,
      env: { ...process.env, CORTEX_TELEMETRY_TOKEN: '' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('CORTEX_TELEMETRY_TOKEN is not set');
  });

  it('says on stderr which endpoint it reads', () => {
    expect(stderr).toContain(`[mcp-analytics] ready on stdio, reading ${app.baseUrl}/graphql`);
  });
});
