import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TokenKind } from './context.js';

/**
 * Access (docs/api.md#access): static bearer tokens of two kinds. Tokens are compared in constant time and
 * are never logged; only their kind travels further into the request.
 */
export interface TokenSet {
  ingest: readonly string[];
  admin: readonly string[];
}

function equalConstantTime(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // compare against itself on a length mismatch so the time does not reveal the length
  return (
    timingSafeEqual(left, left.length === right.length ? right : left) &&
    left.length === right.length
  );
}

export function tokenKind(tokens: TokenSet, presented: string | null): TokenKind | null {
  if (!presented) return null;
  let kind: TokenKind | null = null;
  // check every token so timing does not reveal which list (or position) matched
  for (const t of tokens.admin) if (equalConstantTime(t, presented)) kind = 'admin';
  for (const t of tokens.ingest)
    if (equalConstantTime(t, presented) && kind === null) kind = 'ingest';
  return kind;
}

export function bearerToken(header: string | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/**
 * When no token is configured on the embedded database, generate one of each and keep them in
 * the data directory so they survive restarts (docs/api.md#access).
 */
export async function loadOrCreateLocalTokens(file: string): Promise<TokenSet> {
  if (existsSync(file)) {
    const saved = JSON.parse(await readFile(file, 'utf8')) as { ingest: string; admin: string };
    return { ingest: [saved.ingest], admin: [saved.admin] };
  }
  const saved = {
    ingest: `ct_ingest_${randomBytes(18).toString('base64url')}`,
    admin: `ct_admin_${randomBytes(18).toString('base64url')}`,
  };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  return { ingest: [saved.ingest], admin: [saved.admin] };
}
