import { type Ref, ref } from 'vue';

export interface TableSort<C extends string> {
  column: Ref<C>;
  descending: Ref<boolean>;
  sortBy: (column: C) => void;
  ariaSort: (column: C) => 'ascending' | 'descending' | 'none';
  arrow: (column: C) => string;
}

/** A column of a sortable table, as `SortableHeader` draws it. */
export interface SortableColumn<C extends string> {
  key: C;
  label: string;
  /** Right-aligned, as the table's number cells are. */
  numeric: boolean;
}

/**
 * The sort state of a sortable table: clicking the sorted column flips its direction; another
 * column starts descending (largest first), except the text column, which starts A→Z.
 * `ariaSort` and `arrow` say the same in words for screen readers and in a glyph on screen.
 */
export function useTableSort<C extends string>(initial: C, textColumn: C): TableSort<C> {
  const column = ref(initial) as Ref<C>;
  const descending = ref(true);

  function sortBy(next: C): void {
    if (column.value === next) descending.value = !descending.value;
    else {
      column.value = next;
      descending.value = next !== textColumn;
    }
  }
  const ariaSort = (of: C) =>
    column.value === of ? (descending.value ? 'descending' : 'ascending') : 'none';
  const arrow = (of: C) => (column.value === of ? (descending.value ? '▼' : '▲') : '↕');

  return { column, descending, sortBy, ariaSort, arrow };
}
