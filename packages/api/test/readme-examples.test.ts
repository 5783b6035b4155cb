import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

/**
 * Issue #17, first use: every example of the README runs as written — the shell blocks with curl
 * (run by sh and the real curl against the real server) and the GraphQL blocks.
 */
const run = promisify(execFile);
const README = new URL('../../../README.md', import.meta.url);

let app: TestApp;
let readme: string;
beforeAll(async () => {
  app = await startTestApp();
  readme = await readFile(README, 'utf8');
});
afterAll(async () => app?.close());

const blocks = (text: string, language: string) =>
  [...text.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map(
    (m) => m[1] as string,
  );

describe('README examples (issue #17)', () => {
  it('the token lines read .data/tokens.json as the server writes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'readme-tokens-'));
    try {
      await run('mkdir', ['-p', join(dir, '.data')]);
      // the shape auth.ts's loadOrCreateLocalTokens writes
      await writeFile(
        join(dir, '.data', 'tokens.json'),
        JSON.stringify({ ingest: 'ct_ingest_abc', admin: 'ct_admin_def' }),
      );
      const lines = blocks(readme, 'sh').find((b) => b.includes('tokens.json')) ?? '';
      expect(lines).toMatch(/^INGEST=/m);
      const { stdout } = await run('sh', ['-c', `${lines}\necho "$INGEST $ADMIN"`], { cwd: dir });
      expect(stdout.trim()).toBe('ct_ingest_abc ct_admin_def');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('every curl runs as written and gets no error', async () => {
    const scripts = blocks(readme, 'sh').filter((b) => /^curl /m.test(b));
    // the ingest block, the live feed, the failed items and the v1 REST path
    expect(scripts.length).toBe(4);
    const host = new URL(app.baseUrl).host;
    const answers: Record<string, unknown>[] = [];
    for (const script of scripts) {
      // one answer per curl, whatever the script around it does
      const wrapped = `curl() { command curl "$@"; echo; echo '@@@'; }\n${script.replaceAll('localhost:4000', host)}`;
      const { stdout } = await run('sh', ['-c', wrapped], {
        env: { ...process.env, INGEST: INGEST_TOKEN, ADMIN: ADMIN_TOKEN },
        maxBuffer: 16 * 1024 * 1024,
      });
      for (const part of stdout.split('@@@').slice(0, -1)) answers.push(JSON.parse(part));
    }
    // in README order: the seven ingest mutations, liveFeed, failedItems, replayFailedItems, then
    // GET /admin/kpi/all; each answer is picked by what it is, so a new example adds a check
    expect(answers).toHaveLength(7 + 4);
    for (const answer of answers) expect(answer).not.toHaveProperty('errors');
    const field = (name: string) =>
      answers.map((a) => (a.data as Record<string, unknown> | undefined)?.[name]).filter(Boolean);
    const ingest = answers
      .flatMap((a) => Object.entries((a.data as Record<string, unknown> | undefined) ?? {}))
      .filter(([name]) => name.startsWith('record'))
      .map(([, result]) => (result as { rejected: number }).rejected);
    // only the v1 `feature_usage` item is refused (it goes to the failed-items store): by design
    expect(ingest).toEqual([0, 0, 0, 0, 0, 0, 1]);
    // the README's user sent events, an error and a trace: the live feed shows them
    expect((field('liveFeed')[0] as { nodes: unknown[] }).nodes.length).toBeGreaterThan(0);
    expect((field('failedItems')[0] as { nodes: unknown[] }).nodes).toHaveLength(1);
    // replayed with today's rules, the v1 item is still refused, with its reason
    expect(field('replayFailedItems')[0]).toMatchObject({
      accepted: 0,
      duplicates: 0,
      stillFailing: 1,
    });
    const rest = answers.find((a) => !('data' in a)) as object;
    expect(Object.keys(rest).sort()).toEqual([
      'cdr',
      'dauWau',
      'paidConversion',
      'resurrection',
      'window',
    ]);
  });

  it('every GraphQL block of the README, docs/api.md and docs/kpis.md answers without errors', async () => {
    const docs = await Promise.all(
      ['docs/api.md', 'docs/kpis.md'].map((d) =>
        readFile(new URL(`../../../${d}`, import.meta.url), 'utf8'),
      ),
    );
    const documents = [readme, ...docs].flatMap((text) => blocks(text, 'graphql'));
    expect(documents.length).toBeGreaterThanOrEqual(2);
    for (const query of documents) {
      const res = await app.gql(query);
      expect({ status: res.status, errors: res.errors }).toEqual({
        status: 200,
        errors: undefined,
      });
    }
  });
});
