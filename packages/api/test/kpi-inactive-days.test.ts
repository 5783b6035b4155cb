import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkInactiveDays } from '../src/modules/kpi/window.js';
import { startTestApp, type TestApp } from './helpers/app.js';

// the real check, counted: the service must validate each inactiveDays value once per request
vi.mock('../src/modules/kpi/window.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/modules/kpi/window.js')>();
  return { ...actual, checkInactiveDays: vi.fn(actual.checkInactiveDays) };
});

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const checks = () => vi.mocked(checkInactiveDays).mock.calls.map(([k]) => k);

describe('inactiveDays is checked once per request', () => {
  it('once for a resurrection field, and once for kpis and two resurrection fields with k = 7', async () => {
    vi.mocked(checkInactiveDays).mockClear();
    const one = await app.gql('{ resurrection(days: 7, inactiveDays: 7) { inactiveDays } }');
    expect(one.errors).toBeUndefined();
    expect(checks()).toEqual([7]);

    vi.mocked(checkInactiveDays).mockClear();
    const many = await app.gql(`{
      kpis(days: 7) { resurrection { inactiveDays } }
      a: resurrection(days: 7, inactiveDays: 7) { inactiveDays }
      b: resurrection(days: 30, inactiveDays: 7) { inactiveDays }
    }`);
    expect(many.errors).toBeUndefined();
    expect(many.data).toEqual({
      kpis: { resurrection: { inactiveDays: 7 } },
      a: { inactiveDays: 7 },
      b: { inactiveDays: 7 },
    });
    expect(checks()).toEqual([7]);
  });

  it('again in the next request, and once per distinct value', async () => {
    vi.mocked(checkInactiveDays).mockClear();
    await app.gql('{ resurrection(days: 7, inactiveDays: 7) { inactiveDays } }');
    const two = await app.gql(`{
      a: resurrection(days: 7, inactiveDays: 3) { inactiveDays }
      b: resurrection(days: 7, inactiveDays: 3) { inactiveDays }
      c: resurrection(days: 7, inactiveDays: 14) { inactiveDays }
    }`);
    expect(two.errors).toBeUndefined();
    expect(checks()).toEqual([7, 3, 14]);
  });

  it('still refuses a value out of range, naming the argument', async () => {
    const res = await app.gql('{ resurrection(days: 7, inactiveDays: 0) { inactiveDays } }');
    expect(res.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
      ['inactiveDays: must be between 1 and 365 (got 0)', 'BAD_USER_INPUT'],
    ]);
  });
});
