/**
 * The stages log through this, never through `core` directly, so tests can read
 * exactly the lines a user would see in the job log.
 */
export interface Logger {
  info(message: string): void;
  debug(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export interface LogLine {
  level: 'info' | 'debug' | 'notice' | 'warning' | 'error' | 'group' | 'endgroup';
  message: string;
}

/** Keeps every line in memory; `text()` gives what the job log would show. */
export class MemoryLogger implements Logger {
  readonly lines: LogLine[] = [];
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  notice(message: string): void {
    this.lines.push({ level: 'notice', message });
  }
  warning(message: string): void {
    this.lines.push({ level: 'warning', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push({ level: 'group', message: name });
    try {
      return await fn();
    } finally {
      this.lines.push({ level: 'endgroup', message: name });
    }
  }
  text(options: { debug?: boolean } = {}): string {
    return this.lines
      .filter((l) => l.level !== 'endgroup' && (options.debug || l.level !== 'debug'))
      .map((l) => (l.level === 'info' ? l.message : `${l.level}: ${l.message}`))
      .join('\n');
  }
}
