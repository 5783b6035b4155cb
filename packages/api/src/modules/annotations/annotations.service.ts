import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
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

export function listAnnotations(
  em: EntityManager,
  range: { from: string | null; to: string | null },
): Promise<AnnotationRow[]> {
  if (range.from && range.to && range.from > range.to) {
    throw badInput('from: must be on or before `to`', 'from');
  }
  return runSql<AnnotationRow>(em, listAnnotationsSql, range, {
    name: 'listAnnotations',
    read: true,
  });
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
  const [row] = await runSql<AnnotationRow>(
    em,
    insertAnnotationSql,
    { id: randomUUID(), day: input.day, text },
    { name: 'insertAnnotation' },
  );
  if (!row) throw new Error('insert into annotations answered no row');
  return row;
}

/** The deleted annotation, or null when the id names none (already deleted: idempotent). */
export async function deleteAnnotation(
  em: EntityManager,
  id: string,
): Promise<AnnotationRow | null> {
  if (!UUID.test(id)) throw badInput('id: must be an annotation id (a UUID)', 'id');
  const [row] = await runSql<AnnotationRow>(
    em,
    deleteAnnotationSql,
    { id },
    { name: 'deleteAnnotation' },
  );
  return row ?? null;
}
