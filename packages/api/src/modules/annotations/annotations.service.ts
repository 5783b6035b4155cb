import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { bindNamed, getRows } from '../../db/sql.js';
import { badInput } from '../../errors.js';
import {
  type AnnotationRow,
  deleteAnnotationSql,
  insertAnnotationSql,
  listAnnotationsSql,
} from './annotations.sql.js';

export type { AnnotationRow };

/** At most this many characters: a marker's label on a chart, not a changelog. */
export const ANNOTATION_TEXT_MAX = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A write: `getRows` runs reads only (read-only transaction under the request's timeout). */
function write(em: EntityManager, sql: string, values: Record<string, unknown>) {
  const [text, params] = bindNamed(sql, values);
  return em.getConnection().execute<AnnotationRow[]>(text, params, 'all');
}

export function listAnnotations(
  em: EntityManager,
  range: { from: string | null; to: string | null },
): Promise<AnnotationRow[]> {
  if (range.from && range.to && range.from > range.to) {
    throw badInput('from: must be on or before `to`', 'from');
  }
  return getRows<AnnotationRow>(em, listAnnotationsSql, range);
}

export async function createAnnotation(
  em: EntityManager,
  input: { day: string; text: string },
): Promise<AnnotationRow> {
  const text = input.text.trim();
  if (text.length < 1 || text.length > ANNOTATION_TEXT_MAX) {
    throw badInput(
      `text: must be 1–${ANNOTATION_TEXT_MAX} characters after trimming (got ${text.length})`,
      'text',
    );
  }
  const [row] = await write(em, insertAnnotationSql, {
    id: randomUUID(),
    day: input.day,
    text,
  });
  if (!row) throw new Error('insert into annotations answered no row');
  return row;
}

/** The deleted annotation, or null when the id names none (already deleted: idempotent). */
export async function deleteAnnotation(
  em: EntityManager,
  id: string,
): Promise<AnnotationRow | null> {
  if (!UUID.test(id)) throw badInput('id: must be an annotation id (a UUID)', 'id');
  const [row] = await write(em, deleteAnnotationSql, { id });
  return row ?? null;
}
