import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from '../../api/test/helpers/app.js';

/**
 * Issue 17: every TypeScript snippet of docs/sdk.md (and of this package's README) runs as
 * written. Each ```ts block becomes a
 * file of its own inside this package (so `@cortex-telemetry/client` resolves to the built
 * package, as it does for a user), all are compiled with tsc in strict mode, and the program
 * under "Record" runs against the real server.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

interface Snippet {
  /** Line of the opening fence in docs/sdk.md. */
  line: number;
  /** The `## ` section it is in. */
  section: string;
  code: string;
}

function tsSnippets(markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  let section = '';
  let open: Snippet | null = null;
  markdown.split('\n').forEach((text, i) => {
    if (open) {
      if (text.startsWith('```')) {
        snippets.push(open);
        open = null;
      } else open.code += `${text}\n`;
    } else if (text.startsWith('## ')) section = text.slice(3);
    else if (text.trim() === '```ts') open = { line: i + 1, section, code: '' };
  });
  return snippets;
}

async function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('docs/sdk.md snippets', { timeout: 180_000 }, () => {
  let app: TestApp;
  let dir: string;
  let snippets: Snippet[];
  const fileOf = (s: Snippet, doc = 'sdk-md') => join(dir, `${doc}-line-${s.line}.ts`);

  beforeAll(async () => {
    app = await startTestApp();
    snippets = tsSnippets(await readFile(join(ROOT, 'docs/sdk.md'), 'utf8'));
    dir = await mkdtemp(join(PACKAGE, '.docs-snippets-'));
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../../tsconfig.base.json',
        compilerOptions: { noEmit: true, lib: ['ES2023', 'DOM'], types: ['node'] },
        include: ['*.ts'],
      }),
    );
    for (const s of snippets) await writeFile(fileOf(s), s.code);
    const readme = tsSnippets(await readFile(join(PACKAGE, 'README.md'), 'utf8'));
    expect(readme).toHaveLength(1);
    for (const s of readme) await writeFile(fileOf(s, 'readme'), s.code);
  });
  afterAll(async () => {
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has the five documented programs', () => {
    expect(snippets.map((s) => s.section)).toEqual([
      'Configure',
      'Record',
      'Example: an MCP server',
      'Example: an IDE extension (Node)',
      'Example: a web page',
    ]);
  });

  it('every ```ts block compiles with tsc (strict), each on its own', async () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run([tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false']);
    // a failure names the file, i.e. the line of the snippet in docs/sdk.md
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('the program under "Record" runs against the real server and stores what it says', async () => {
    const program = snippets.find((s) => s.section === 'Record')!;
    const result = await run(['--import', 'tsx', fileOf(program)], {
      TELEMETRY_ENDPOINT: `${app.baseUrl}/graphql`,
      TELEMETRY_TOKEN: INGEST_TOKEN,
    });
    const stats = {
      queued: 0,
      delivered: 6, // 3 events, 1 error, 2 traces
      rejected: 0,
      dropped: 0,
      sampledOut: 0,
      filtered: 0,
      retries: 0,
    };
    expect(result).toEqual({
      code: 0,
      stdout: `1 result(s)\ntrue\n${inspect(stats)}\ntrue\n`,
      stderr: '',
    });
    const events = await app.sql(
      `select event_name, context_id from telemetry_events where user_id_hash = 'u_3f9a'
        order by event_name, context_id`,
    );
    // emitEvent's context_loaded, then search_context: server_operation_called and, for its
    // one result, context_loaded
    expect(events).toEqual([
      { event_name: 'context_loaded', context_id: 'ctx_42' },
      { event_name: 'context_loaded', context_id: null },
      { event_name: 'server_operation_called', context_id: null },
    ]);
    const errors = await app.sql(
      `select error_type, severity, related_event_name from telemetry_errors
        where user_id_hash = 'u_3f9a'`,
    );
    expect(errors).toEqual([
      { error_type: 'SyntaxError', severity: 'error', related_event_name: 'context_loaded' },
    ]);
    const traces = await app.sql(
      `select operation_name, duration_ms, success, result_count from telemetry_traces
        where user_id_hash = 'u_3f9a' and operation_name = 'rag_search'`,
    );
    expect(traces).toEqual([
      { operation_name: 'rag_search', duration_ms: 150, success: true, result_count: 10 },
    ]);
    const toolTraces = await app.sql(
      `select success, result_count from telemetry_traces
        where user_id_hash = 'u_3f9a' and operation_name = 'search_context'`,
    );
    expect(toolTraces).toEqual([{ success: true, result_count: 1 }]);
  });
});
