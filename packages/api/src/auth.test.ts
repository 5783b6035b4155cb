import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateLocalTokens, tokenKind } from './auth.js';

describe('tokens of three kinds', () => {
  it('tells admin, viewer and ingest tokens apart; an unknown one is no kind', () => {
    const tokens = { admin: ['a1'], viewer: ['v1', 'v2'], ingest: ['i1'] };
    expect(['a1', 'v1', 'v2', 'i1', 'x', ''].map((t) => tokenKind(tokens, t))).toEqual([
      'admin',
      'viewer',
      'viewer',
      'ingest',
      null,
      null,
    ]);
    // a set without viewer tokens (an external database configured before they existed)
    expect(tokenKind({ admin: ['a1'], ingest: [] }, 'v1')).toBeNull();
  });

  it('the embedded start generates one of each and keeps them', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'tokens-')), 'tokens.json');
    const first = await loadOrCreateLocalTokens(file);
    expect(first.viewer[0]).toMatch(/^ct_viewer_[\w-]{24}$/);
    expect(first.admin[0]).toMatch(/^ct_admin_[\w-]{24}$/);
    expect(await loadOrCreateLocalTokens(file)).toEqual(first);
  });

  it('a file written before viewer tokens gains one and keeps its admin and ingest tokens', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'tokens-')), 'tokens.json');
    await writeFile(file, JSON.stringify({ ingest: 'ct_ingest_old', admin: 'ct_admin_old' }));
    const tokens = await loadOrCreateLocalTokens(file);
    expect(tokens.admin).toEqual(['ct_admin_old']);
    expect(tokens.ingest).toEqual(['ct_ingest_old']);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved).toEqual({
      ingest: 'ct_ingest_old',
      admin: 'ct_admin_old',
      viewer: tokens.viewer[0],
    });
  });
});
