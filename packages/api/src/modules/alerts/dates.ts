/**
 * The SQL runner hands `timestamptz` columns back as PostgreSQL's text (`2026-11-10
 * 11:00:00+00`); the alert rows carry them as instants.
 */
export const withDates =
  <Row extends object>(...columns: (keyof Row)[]) =>
  (rows: Row[]): Row[] =>
    rows.map((row) => {
      const copy = { ...row } as Record<keyof Row, unknown>;
      for (const c of columns) {
        const v = copy[c];
        if (v !== null && v !== undefined && !(v instanceof Date)) copy[c] = new Date(String(v));
      }
      return copy as Row;
    });
