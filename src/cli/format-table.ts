/**
 * A plain-text table: a header row, a dashed rule, and left-aligned columns sized to the widest
 * cell. Cells are cut to `maxCell` characters (with `…`).
 *
 * @example
 * formatTable(['id', 'kind'], [['espeak', 'tts']]);
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  maxCell = 60,
): string {
  const cut = (s: string): string => (s.length > maxCell ? `${s.slice(0, maxCell - 1)}…` : s);
  const cells = [headers.map(cut), ...rows.map((r) => r.map(cut))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return (
    [line(cells[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
      '\n',
    ) + '\n'
  );
}
