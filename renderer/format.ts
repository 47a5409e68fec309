/**
 * Pure formatting helpers for the window: countdowns, durations, life fraction, times.
 *
 * No DOM, no React: table-tested in test/unit/renderer-format.test.ts.
 */

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * Text of a countdown to expiry.
 *
 * Under an hour: minutes and seconds, "42:17", "0:05". An hour or more: "5h 12m". Whole seconds
 * are truncated (a session with 59.9 s left shows "0:59"), so "0:00" appears only in the last
 * second and after expiry. Not a finite number: an em dash.
 */
export function formatRemaining(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms <= 0) return '0:00';
  if (ms < HOUR_MS) {
    const totalSeconds = Math.floor(ms / 1000);
    const minutes = Math.floor(totalSeconds / 60);
    const seconds = totalSeconds % 60;
    return `${minutes}:${seconds < 10 ? '0' : ''}${seconds}`;
  }
  const totalMinutes = Math.floor(ms / MINUTE_MS);
  return `${Math.floor(totalMinutes / 60)}h ${totalMinutes % 60}m`;
}

/** Countdown text of a session at `now`, or an em dash when there is no session. */
export function countdownText(expiresAt: number | null, now: number): string {
  return expiresAt === null ? '—' : formatRemaining(expiresAt - now);
}

/** Spoken form of a countdown for screen readers ("42 minutes 17 seconds left"). */
export function describeRemaining(ms: number): string {
  if (!Number.isFinite(ms)) return 'no session';
  if (ms <= 0) return 'expired';
  const totalSeconds = Math.floor(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  const parts: string[] = [];
  if (h > 0) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  if (m > 0) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (h === 0 && (s > 0 || parts.length === 0)) parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return `${parts.join(' ')} left`;
}

/**
 * Remaining fraction of a session's life in [0, 1], from issuedAt..expiresAt.
 *
 * Without an issue time (a session cached by an older process) the bar is full until expiry.
 */
export function lifeFraction(issuedAt: number | null, expiresAt: number | null, now: number): number {
  if (expiresAt === null) return 0;
  const left = expiresAt - now;
  if (left <= 0) return 0;
  if (issuedAt === null || expiresAt <= issuedAt) return 1;
  return Math.min(1, left / (expiresAt - issuedAt));
}

/** A duration in seconds as words for form hints: 3600 -> "1 h", 5400 -> "1 h 30 min", 900 -> "15 min". */
export function formatDurationSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  const parts: string[] = [];
  if (h > 0) parts.push(`${h} h`);
  if (m > 0) parts.push(`${m} min`);
  if (s > 0) parts.push(`${s} s`);
  return parts.join(' ');
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Local wall-clock time "14:03:09" of an epoch-ms instant. */
export function formatClockTime(at: number): string {
  const d = new Date(at);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Local date and time "2025-03-01 14:03" (for expiry tooltips and activity older than today). */
export function formatDateTime(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** AccessKey ID masked for lists: first 4 and last 4 characters. */
export function maskAccessKeyId(id: string): string {
  if (id.length <= 8) return id;
  return `${id.slice(0, 4)}…${id.slice(-4)}`;
}
