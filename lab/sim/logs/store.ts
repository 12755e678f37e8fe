/**
 * Log groups and streams. Implements LogSink, so ECS tasks' awslogs output
 * lands here and callers read it back with GetLogEvents like from AWS.
 */
import { AwsError, type LogSink, type SimClock } from '../types.js';

export interface StoredEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

export interface LogStream {
  name: string;
  createdAt: number;
  /** Kept in timestamp order; same-timestamp events keep their arrival order. */
  events: StoredEvent[];
  lastIngestionTime?: number;
}

export interface LogGroup {
  name: string;
  createdAt: number;
  streams: Map<string, LogStream>;
}

export class LogStore implements LogSink {
  readonly groups = new Map<string, LogGroup>();

  constructor(private readonly clock: SimClock) {}

  createGroup(name: string): LogGroup {
    if (this.groups.has(name)) {
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
    }
    const group: LogGroup = { name, createdAt: this.clock.now(), streams: new Map() };
    this.groups.set(name, group);
    return group;
  }

  createStream(groupName: string, name: string): LogStream {
    const group = this.group(groupName);
    if (group.streams.has(name)) {
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    }
    const stream: LogStream = { name, createdAt: this.clock.now(), events: [] };
    group.streams.set(name, stream);
    return stream;
  }

  group(name: string): LogGroup {
    const group = this.groups.get(name);
    if (!group) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  stream(groupName: string, name: string): LogStream {
    const stream = this.group(groupName).streams.get(name);
    if (!stream) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
    return stream;
  }

  ensureStream(group: string, stream: string): void {
    const g = this.groups.get(group) ?? this.createGroup(group);
    if (!g.streams.has(stream)) this.createStream(group, stream);
  }

  put(group: string, stream: string, events: { timestamp: number; message: string }[]): void {
    const s = this.stream(group, stream);
    const ingestionTime = this.clock.now();
    for (const e of events) {
      const stored = { timestamp: e.timestamp, message: e.message, ingestionTime };
      // Nearly always appended at the end; out-of-order events go after their timestamp peers.
      let i = s.events.length;
      while (i > 0 && (s.events[i - 1] as StoredEvent).timestamp > e.timestamp) i -= 1;
      s.events.splice(i, 0, stored);
    }
    if (events.length > 0) s.lastIngestionTime = ingestionTime;
  }

  /** Every event's message, for assertions in tests. */
  messages(group: string, stream: string): string[] {
    return this.stream(group, stream).events.map((e) => e.message);
  }
}
