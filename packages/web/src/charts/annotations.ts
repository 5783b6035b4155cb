import type { ApexOptions } from 'apexcharts';
import { type ChartSpec, dayMs } from './base';

/** A dated note (the `annotations` query, docs/api.md#annotations). */
export interface ChartNote {
  day: string;
  text: string;
}

type XAxisAnnotation = NonNullable<NonNullable<ApexOptions['annotations']>['xaxis']>[number];

/** One dashed vertical line per annotated day, labelled with its notes (same day: joined by ·). */
export function noteMarkers(notes: readonly ChartNote[]): XAxisAnnotation[] {
  return [...notesByDay(notes)].map(([day, text]) => ({
    x: dayMs(day),
    borderColor: '#5f3dc4',
    strokeDashArray: 4,
    label: {
      text,
      orientation: 'horizontal',
      position: 'top',
      textAnchor: 'start',
      offsetX: 2,
      style: { background: '#f3f0ff', color: '#5f3dc4', fontSize: '11px' },
    },
  }));
}

function notesByDay(notes: readonly ChartNote[]): Map<string, string> {
  const byDay = new Map<string, string>();
  for (const { day, text } of notes) {
    const before = byDay.get(day);
    byDay.set(day, before ? `${before} · ${text}` : text);
  }
  return byDay;
}

/**
 * A daily chart with the annotations of its days: a marker per annotated day drawn in the
 * series, and an `annotation` column in its CSV (empty on days without one). Notes outside the
 * chart's days are left out of both. A chart whose CSV is not per day is returned as it is.
 */
export function annotate(spec: ChartSpec, notes: readonly ChartNote[]): ChartSpec {
  if (spec.csv.header[0] !== 'day') return spec;
  const days = new Set(spec.csv.rows.map((row) => String(row[0])));
  const shown = notes.filter((n) => days.has(n.day));
  const byDay = notesByDay(shown);
  const annotations = spec.options.annotations ?? {};
  return {
    ...spec,
    options: {
      ...spec.options,
      annotations: {
        ...annotations,
        xaxis: [...(annotations.xaxis ?? []), ...noteMarkers(shown)],
      },
    },
    csv: {
      header: [...spec.csv.header, 'annotation'],
      rows: spec.csv.rows.map((row) => [...row, byDay.get(String(row[0])) ?? '']),
    },
  };
}
