/**
 * CSV of what a chart or a table shows, built from the API's own values (rates stay fractions
 * as the API sends them), so a spreadsheet sees exactly the numbers the API gave.
 */
export type CsvValue = string | number | boolean | null | undefined;

const cell = (value: CsvValue): string => {
  if (value == null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows]
    .map((row) => row.map(cell).join(','))
    .join('\r\n')
    .concat('\r\n');
}

/** A table's rows as CSV: one column a field, named as the API names it, in the order given. */
export function recordsCsv<K extends string, T extends { readonly [F in K]: CsvValue }>(
  rows: readonly T[],
  fields: readonly K[],
): string {
  return toCsv(
    fields,
    rows.map((row) => fields.map((field) => row[field])),
  );
}

export function downloadCsv(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
