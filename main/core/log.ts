/**
 * Rotating file logger with secret redaction. Fields whose names look secret are dropped and
 * every line passes through redact(), which removes any secret value seen by this process.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { redact } from './errors';
import type { Logger } from './ports';

const SECRET_FIELD = /secret|token|password|signature|credential/i;

/** Drop secret-named fields at any depth (and cut very deep or cyclic structures). */
function scrub(value: unknown, depth: number): unknown {
  if (depth > 6) return '[…]';
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : scrub(v, depth + 1);
    return out;
  }
  return value;
}

export function formatLogLine(level: string, msg: string, fields: Record<string, unknown> | undefined, at: Date): string {
  const safe = scrub(fields ?? {}, 0) as Record<string, unknown>;
  const extra = Object.keys(safe).length > 0 ? ` ${JSON.stringify(safe)}` : '';
  return redact(`${at.toISOString()} ${level.toUpperCase()} ${msg}${extra}`).replace(/[\r\n]+/g, ' ');
}

export class FileLogger implements Logger {
  private readonly file: string;

  constructor(
    readonly dir: string,
    private readonly maxBytes = 1024 * 1024,
    private readonly keep = 3,
  ) {
    this.file = path.join(dir, 'roletray.log');
  }

  private write(level: string, msg: string, fields?: Record<string, unknown>): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.rotateIfNeeded();
      appendFileSync(this.file, `${formatLogLine(level, msg, fields, new Date())}\n`, { mode: 0o600 });
    } catch {
      // logging must never break a refresh
    }
  }

  private rotateIfNeeded(): void {
    let size = 0;
    try {
      size = statSync(this.file).size;
    } catch {
      return;
    }
    if (size < this.maxBytes) return;
    for (let i = this.keep - 1; i >= 1; i--) {
      try {
        renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
      } catch {
        /* missing generation */
      }
    }
    renameSync(this.file, `${this.file}.1`);
  }

  info(msg: string, fields?: Record<string, unknown>): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.write('error', msg, fields);
  }
}
