import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, VIEWER_TOKEN } from './helpers/app.js';

/** Annotations (docs/api.md#annotations): dated notes, written by admins, read by viewers too. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const CREATE = `mutation ($day: Date!, $text: String!) {
  createAnnotation(day: $day, text: $text) { id day text }
}`;
const LIST = `query ($from: Date, $to: Date) { annotations(from: $from, to: $to) { day text } }`;

describe('annotations', () => {
  it('an admin adds three; the list is oldest day first, bounded inclusively by from and to', async () => {
    const added = [];
    for (const [day, text] of [
      ['2026-11-20', 'v0.9 released'],
      ['2026-11-05', '  closed beta invite wave  '],
      ['2026-11-28', 'pricing page live'],
    ]) {
      const res = await app.gql(CREATE, { day, text });
      expect(res.errors).toBeUndefined();
      added.push(res.data?.createAnnotation);
    }
    // the text is stored trimmed
    expect(added[1]).toMatchObject({ day: '2026-11-05', text: 'closed beta invite wave' });
    expect((await app.gql(LIST)).data?.annotations).toEqual([
      { day: '2026-11-05', text: 'closed beta invite wave' },
      { day: '2026-11-20', text: 'v0.9 released' },
      { day: '2026-11-28', text: 'pricing page live' },
    ]);
    const bounded = await app.gql(LIST, { from: '2026-11-20', to: '2026-11-28' }, VIEWER_TOKEN);
    expect(bounded.status).toBe(200);
    expect(bounded.data?.annotations).toEqual([
      { day: '2026-11-20', text: 'v0.9 released' },
      { day: '2026-11-28', text: 'pricing page live' },
    ]);
    expect((await app.gql(LIST, { to: '2026-11-19' })).data?.annotations).toEqual([
      { day: '2026-11-05', text: 'closed beta invite wave' },
    ]);

    // delete answers the row once, then null
    const id = added[0].id;
    const del = `mutation ($id: ID!) { deleteAnnotation(id: $id) { day text } }`;
    expect((await app.gql(del, { id })).data).toEqual({
      deleteAnnotation: { day: '2026-11-20', text: 'v0.9 released' },
    });
    expect((await app.gql(del, { id })).data).toEqual({ deleteAnnotation: null });
    expect((await app.gql(LIST)).data?.annotations).toHaveLength(2);
  });

  it('refuses bad input with BAD_USER_INPUT naming the field and the rule', async () => {
    const errorOf = async (query: string, variables: Record<string, unknown>) => {
      const res = await app.gql(query, variables);
      return { message: res.errors?.[0]?.message, code: res.errors?.[0]?.extensions?.code };
    };
    expect(await errorOf(CREATE, { day: '2026-11-20', text: '   ' })).toEqual({
      message: 'text: must be 1–200 characters after trimming (got 0)',
      code: 'BAD_USER_INPUT',
    });
    expect(await errorOf(CREATE, { day: '2026-11-20', text: 'x'.repeat(201) })).toEqual({
      message: 'text: must be 1–200 characters after trimming (got 201)',
      code: 'BAD_USER_INPUT',
    });
    expect(await errorOf(CREATE, { day: '2026-11-20', text: 'x'.repeat(200) })).toEqual({
      message: undefined,
      code: undefined,
    });
    const badDay = await errorOf(CREATE, { day: '2026-11-20T10:00:00Z', text: 'x' });
    expect(badDay.code).toBe('BAD_USER_INPUT');
    expect(badDay.message).toContain('$day');
    expect(badDay.message).toContain('Date: must be a calendar day YYYY-MM-DD');
    expect(await errorOf(`mutation { deleteAnnotation(id: "42") { id } }`, {})).toEqual({
      message: 'id: must be an annotation id (a UUID)',
      code: 'BAD_USER_INPUT',
    });
    expect(await errorOf(LIST, { from: '2026-11-21', to: '2026-11-20' })).toEqual({
      message: 'from: must be on or before `to`',
      code: 'BAD_USER_INPUT',
    });
  });

  it('a viewer reads annotations but may neither add nor delete one', async () => {
    const res = await app.gql(CREATE, { day: '2026-11-20', text: 'x' }, VIEWER_TOKEN);
    expect({ status: res.status, code: res.errors?.[0]?.extensions?.code }).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });
  });
});
