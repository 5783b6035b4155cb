import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TokenKind } from './context.js';

/**
 * Access (docs/api.md#access): static bearer tokens of three kinds. Tokens are compared in constant time and
 * are never logged; only their kind travels further into the request.
 */
export interface TokenSet {
  ingest: readonly string[];
  admin: readonly string[];
  /** Read-only tokens; optional so a set of admin and ingest tokens alone stays valid. */
  viewer?: readonly string[];
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
  for (const t of tokens.viewer ?? [])
    if (equalConstantTime(t, presented) && kind === null) kind = 'viewer';
  for (const t of tokens.ingest)
    if (equalConstantTime(t, presented) && kind === null) kind = 'ingest';
  return kind;
}

/**
 * Every share token starts so (docs/api.md#share-links): the server knows to look its hash up in
 * the database, and a leaked one is recognisable for what it is.
 */
export const SHARE_TOKEN_PREFIX = 'ct_share_';

export const isShareToken = (presented: string | null): presented is string =>
  presented?.startsWith(SHARE_TOKEN_PREFIX) === true;

export function bearerToken(header: string | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/**
 * When no token is configured on the embedded database, generate one of each kind and keep them in
 * the data directory so they survive restarts (docs/api.md#access). A file written before viewer
 * tokens existed gets one added; the admin and ingest tokens in it stay as they are.
 */
export async function loadOrCreateLocalTokens(file: string): Promise<Required<TokenSet>> {
  const saved: Partial<Record<'ingest' | 'admin' | 'viewer', string>> = existsSync(file)
    ? JSON.parse(await readFile(file, 'utf8'))
    : {};
  const generate = (kind: string) => `ct_${kind}_${randomBytes(18).toString('base64url')}`;
  const complete = {
    ingest: saved.ingest ?? generate('ingest'),
    admin: saved.admin ?? generate('admin'),
    viewer: saved.viewer ?? generate('viewer'),
  };
  if (
    complete.ingest !== saved.ingest ||
    complete.admin !== saved.admin ||
    complete.viewer !== saved.viewer
  ) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(complete, null, 2)}\n`, { mode: 0o600 });
  }
  return { ingest: [complete.ingest], admin: [complete.admin], viewer: [complete.viewer] };
}
