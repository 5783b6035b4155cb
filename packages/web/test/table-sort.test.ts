import { describe, expect, it } from 'vitest';
import { useTableSort } from '../src/composables/useTableSort';

describe('useTableSort', () => {
  it('flips the sorted column, starts numbers largest first and the text column A→Z', () => {
    const s = useTableSort<'name' | 'count' | 'p95'>('count', 'name');
    expect([s.column.value, s.descending.value]).toEqual(['count', true]);
    expect([s.ariaSort('count'), s.arrow('count'), s.ariaSort('p95'), s.arrow('p95')]).toEqual([
      'descending',
      '▼',
      'none',
      '↕',
    ]);
    s.sortBy('count'); // the same column: flipped
    expect([s.ariaSort('count'), s.arrow('count')]).toEqual(['ascending', '▲']);
    s.sortBy('name'); // the text column starts ascending
    expect([s.column.value, s.descending.value]).toEqual(['name', false]);
    s.sortBy('p95'); // a number column starts descending
    expect([s.column.value, s.descending.value, s.ariaSort('name')]).toEqual(['p95', true, 'none']);
  });
});
