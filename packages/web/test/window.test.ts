import { describe, expect, it } from 'vitest';
import { recordsCsv, toCsv } from '../src/csv';
import { explorerHeaders, forgetExplorerToken, storeExplorerToken } from '../src/explorer';
import { sortOperations } from '../src/traces';
import {
  endedPhaseAsOf,
  namesAsOf,
  paramsQuery,
  parseParams,
  previousAsOf,
  utcWindow,
} from '../src/window';

/** URL-kept controls, UTC windows, CSV quoting, the explorer's stored headers, table sorting. */
const TODAY = '2026-11-26';

describe('dashboard params', () => {
  it('reads the URL, falling back to 30 days, today and every channel', () => {
    expect(parseParams({ days: '7', asOf: '2026-09-30', channel: 'server' }, TODAY)).toEqual({
      days: 7,
      asOf: '2026-09-30',
      channel: 'server',
    });
    expect(parseParams({ days: '12', asOf: 'yesterday', channel: 'fax' }, TODAY)).toEqual({
      days: 30,
      asOf: TODAY,
      channel: null,
    });
    expect(paramsQuery({ days: 14, asOf: TODAY, channel: null }, TODAY)).toEqual({ days: '14' });
    expect(paramsQuery({ days: 14, asOf: '2026-09-30', channel: 'web' }, TODAY)).toEqual({
      days: '14',
      asOf: '2026-09-30',
      channel: 'web',
    });
  });

  it('keeps a named as-of day, even today, and knows whether the URL names one', () => {
    expect(paramsQuery({ days: 30, asOf: TODAY, channel: null }, TODAY, true)).toEqual({
      days: '30',
      asOf: TODAY,
    });
    expect(namesAsOf({ asOf: '2026-09-30' })).toBe(true);
    expect(namesAsOf({ asOf: 'yesterday' })).toBe(false);
    expect(namesAsOf({ days: '7' })).toBe(false);
  });

  it('opens an ended phase on its last day; yesterday still counts as running', () => {
    // today 11-26: data up to 11-24 has ended, up to 11-25 (yesterday) or today has not
    expect(endedPhaseAsOf({ firstDay: '2026-11-02', lastDay: '2026-11-12' }, TODAY)).toBe(
      '2026-11-12',
    );
    expect(endedPhaseAsOf({ firstDay: '2026-11-02', lastDay: '2026-11-24' }, TODAY)).toBe(
      '2026-11-24',
    );
    expect(endedPhaseAsOf({ firstDay: '2026-11-02', lastDay: '2026-11-25' }, TODAY)).toBeNull();
    expect(endedPhaseAsOf({ firstDay: '2026-11-02', lastDay: TODAY }, TODAY)).toBeNull();
    // no data at all: nothing to open on
    expect(endedPhaseAsOf({ firstDay: null, lastDay: null }, TODAY)).toBeNull();
  });

  it('turns days and as-of into the KPI window and the one before it', () => {
    // 7 days ending with the 25th: the 19th 00:00 → the 26th 00:00 (docs/kpis.md)
    expect(utcWindow(7, '2026-11-25')).toEqual({
      firstDay: '2026-11-19',
      lastDay: '2026-11-25',
      from: '2026-11-19T00:00:00.000Z',
      to: '2026-11-26T00:00:00.000Z',
    });
    // the previous 30 days end 30 days earlier, across a month end: 2026-09-30 − 30 = 08-31
    expect(previousAsOf(30, '2026-09-30')).toBe('2026-08-31');
  });
});

describe('toCsv', () => {
  it('quotes what needs quoting and leaves nulls empty', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', null],
          ['say "hi"', 0.1],
        ],
      ),
    ).toBe('a,b\r\n"x,y",\r\n"say ""hi""",0.1\r\n');
  });

  it('writes records field by field in the order given, other fields left out', () => {
    const rows = [
      { channel: 'WEB', activeUsers: 2, avgDau: 0.5, hidden: 'x' },
      { channel: 'SERVER', activeUsers: 0, avgDau: null, hidden: 'y' },
    ];
    expect(recordsCsv(rows, ['avgDau', 'channel', 'activeUsers'])).toBe(
      'avgDau,channel,activeUsers\r\n0.5,WEB,2\r\n,SERVER,0\r\n',
    );
  });
});

class MemoryStorage {
  private items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

describe('the explorer headers', () => {
  it('puts the token into GraphiQL storage, keeping saved tabs, and takes it out on sign-out', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    storage.setItem(
      'graphiql:tabState',
      JSON.stringify({
        tabs: [{ query: '{ kpis { window { days } } }', headers: '' }],
        activeTabIndex: 0,
      }),
    );
    storeExplorerToken(storage, 'tok-1');
    const headers = '{\n  "Authorization": "Bearer tok-1"\n}';
    expect(explorerHeaders('tok-1')).toBe(headers);
    expect(storage.getItem('graphiql:headers')).toBe(headers);
    expect(storage.getItem('graphiql:shouldPersistHeaders')).toBe('true');
    expect(JSON.parse(storage.getItem('graphiql:tabState') ?? '')).toEqual({
      tabs: [{ query: '{ kpis { window { days } } }', headers }],
      activeTabIndex: 0,
    });
    forgetExplorerToken(storage);
    expect(storage.getItem('graphiql:headers')).toBeNull();
    expect(JSON.parse(storage.getItem('graphiql:tabState') ?? '').tabs[0].headers).toBeNull();
  });
});

describe('sortOperations', () => {
  const op = (operationName: string, count: number, p95: number) => ({
    operationName,
    count,
    successRate: 1,
    p50: 1,
    p95,
    p99: 1,
    max: 1,
  });
  it('sorts by any column, ties by name', () => {
    const rows = [op('b', 5, 10), op('a', 5, 30), op('c', 9, 20)];
    expect(sortOperations(rows, 'count', true).map((r) => r.operationName)).toEqual([
      'c',
      'a',
      'b',
    ]);
    expect(sortOperations(rows, 'p95', false).map((r) => r.operationName)).toEqual(['b', 'c', 'a']);
    expect(sortOperations(rows, 'operationName', true).map((r) => r.operationName)).toEqual([
      'c',
      'b',
      'a',
    ]);
  });
});
