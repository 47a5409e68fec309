/**
 * Human output helpers: aligned columns and remaining-time text ("42m left", "5h 12m left",
 * "expired"). Pure.
 */

/** Remaining time of a session for people. null: no session. */
export function formatLeft(msLeft: number | null): string {
  if (msLeft === null) return '-';
  if (msLeft <= 0) return 'expired';
  const totalMinutes = Math.floor(msLeft / 60_000);
  if (totalMinutes < 1) return `${Math.max(1, Math.floor(msLeft / 1000))}s left`;
  const h = Math.floor(totalMinutes / 60);
  const m = totalMinutes % 60;
  if (h === 0) return `${m}m left`;
  return m === 0 ? `${h}h left` : `${h}h ${m}m left`;
}

/** Columns separated by two spaces, each as wide as its widest cell; no trailing blanks. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  return `${all
    .map((r) =>
      r
        .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

/** Quote a value for a shell command line shown to the user (only when it needs quoting). */
export function shellArg(value: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
