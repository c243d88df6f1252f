/**
 * A leveled logger that writes one line per entry to a rotating file in the data folder, so it
 * can be followed with `tail -f`. Rotation keeps `keepFiles` old files of at most `maxFileBytes`.
 * Writes are synchronous appends of small lines: simple, ordered, and they survive a crash.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LogLevel } from '../../../src-shared/model';
import { systemClock } from '../time/clock';

const levelRank: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  level: LogLevel;
  log(level: LogLevel, scope: string, message: string): void;
  enabled(level: LogLevel): boolean;
  close(): void;
}

export interface FileLoggerOptions {
  file: string;
  level: LogLevel;
  maxFileBytes?: number;
  keepFiles?: number;
  /** Also write to this sink (e.g. stderr for the CLI). */
  mirror?: (line: string) => void;
  now?: () => number;
}

export class FileLogger implements Logger {
  level: LogLevel;
  private fd: number | null = null;
  private size = 0;
  private readonly maxFileBytes: number;
  private readonly keepFiles: number;

  constructor(private readonly opts: FileLoggerOptions) {
    this.level = opts.level;
    this.maxFileBytes = opts.maxFileBytes ?? 5 * 1024 * 1024;
    this.keepFiles = opts.keepFiles ?? 3;
    fs.mkdirSync(path.dirname(opts.file), { recursive: true });
    this.open();
  }

  enabled(level: LogLevel): boolean {
    return levelRank[level] <= levelRank[this.level];
  }

  log(level: LogLevel, scope: string, message: string): void {
    if (!this.enabled(level)) return;
    const at = new Date((this.opts.now ?? systemClock.now)()).toISOString();
    const line = `${at} ${level.toUpperCase().padEnd(5)} [${scope}] ${message}\n`;
    this.opts.mirror?.(line);
    if (this.fd === null) return;
    if (this.size + line.length > this.maxFileBytes) this.rotate();
    if (this.fd === null) return;
    this.size += fs.writeSync(this.fd, line);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private open(): void {
    this.fd = fs.openSync(this.opts.file, 'a');
    this.size = fs.fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    for (let i = this.keepFiles - 1; i >= 1; i--) {
      const from = `${this.opts.file}.${i}`;
      if (fs.existsSync(from)) fs.renameSync(from, `${this.opts.file}.${i + 1}`);
    }
    const oldest = `${this.opts.file}.${this.keepFiles}`;
    if (fs.existsSync(oldest)) fs.rmSync(oldest);
    fs.renameSync(this.opts.file, `${this.opts.file}.1`);
    this.open();
  }
}

/** A logger that keeps nothing, or mirrors to a function (tests, CLI without a data folder). */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  constructor(
    public level: LogLevel = 'info',
    private readonly mirror?: (line: string) => void,
    private readonly maxLines = 1000,
  ) {}
  enabled(level: LogLevel): boolean {
    return levelRank[level] <= levelRank[this.level];
  }
  log(level: LogLevel, scope: string, message: string): void {
    if (!this.enabled(level)) return;
    const line = `${level.toUpperCase().padEnd(5)} [${scope}] ${message}`;
    this.mirror?.(line + '\n');
    this.lines.push(line);
    if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
  }
  close(): void {}
}
