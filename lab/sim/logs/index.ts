/**
 * CloudWatch Logs: CreateLogGroup, CreateLogStream, PutLogEvents,
 * DescribeLogGroups, DescribeLogStreams, GetLogEvents, FilterLogEvents.
 * Log times are longs in milliseconds in this API, so they stay numbers.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_Operations.html
 */
import { type Input, InputReader, pageOf } from '../protocol/input.js';
import { AwsError, type ServiceOperations, type SimClock } from '../types.js';
import { getLogEvents } from './get-log-events.js';
import { LogStore, type LogStream, type StoredEvent } from './store.js';

export { LogStore } from './store.js';

const invalid = (message: string) => new AwsError('InvalidParameterException', message);
const badToken = () => invalid('The specified nextToken is invalid.');

/** `logGroupIdentifier` may be a name or an ARN (`…:log-group:NAME` with an optional `:*`). */
function groupName(r: InputReader): string {
  const name = r.optString('logGroupName');
  if (name) return name;
  const id = r.optString('logGroupIdentifier');
  if (!id) throw invalid('Either logGroupName or logGroupIdentifier must be specified.');
  const m = /:log-group:([^:]+)(?::\*)?$/.exec(id);
  return m ? (m[1] as string) : id;
}

export function createLogs(deps: { clock: SimClock; region: string; account: string }): {
  operations: ServiceOperations;
  world: LogStore;
} {
  const world = new LogStore(deps.clock);
  const groupArn = (name: string) => `arn:aws:logs:${deps.region}:${deps.account}:log-group:${name}`;
  const describeStream = (group: string, s: LogStream) => ({
    logStreamName: s.name,
    creationTime: s.createdAt,
    firstEventTimestamp: s.events[0]?.timestamp,
    lastEventTimestamp: s.events.at(-1)?.timestamp,
    lastIngestionTime: s.lastIngestionTime,
    arn: `${groupArn(group)}:log-stream:${s.name}`,
    storedBytes: 0,
  });

  const operations: ServiceOperations = {
    CreateLogGroup: (input) => {
      world.createGroup(new InputReader(input, invalid).string('logGroupName'));
      return {};
    },
    CreateLogStream: (input) => {
      const r = new InputReader(input, invalid);
      world.createStream(r.string('logGroupName'), r.string('logStreamName'));
      return {};
    },
    PutLogEvents: (input) => {
      const r = new InputReader(input, invalid);
      const events = (r.optObjects('logEvents') ?? []).map((e: Input) => {
        const er = new InputReader(e, invalid);
        return { timestamp: er.optNumber('timestamp') ?? 0, message: er.string('message') };
      });
      for (let i = 1; i < events.length; i += 1) {
        if (
          (events[i] as { timestamp: number }).timestamp < (events[i - 1] as { timestamp: number }).timestamp
        ) {
          throw invalid('Log events in a single PutLogEvents request must be in chronological order.');
        }
      }
      world.put(r.string('logGroupName'), r.string('logStreamName'), events);
      return {};
    },
    DescribeLogGroups: (input) => {
      const r = new InputReader(input, invalid);
      const prefix = r.optString('logGroupNamePrefix') ?? '';
      const groups = [...world.groups.values()]
        .filter((g) => g.name.startsWith(prefix))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      const page = pageOf(
        groups,
        Math.min(r.optNumber('limit') ?? 50, 50),
        r.optString('nextToken'),
        badToken,
      );
      return {
        logGroups: page.items.map((g) => ({
          logGroupName: g.name,
          creationTime: g.createdAt,
          arn: `${groupArn(g.name)}:*`,
          logGroupArn: groupArn(g.name),
          storedBytes: 0,
        })),
        nextToken: page.next,
      };
    },
    DescribeLogStreams: (input) => {
      const r = new InputReader(input, invalid);
      const name = groupName(r);
      const prefix = r.optString('logStreamNamePrefix');
      const orderBy = r.optString('orderBy') ?? 'LogStreamName';
      if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime')
        throw invalid(`Invalid orderBy: ${orderBy}`);
      if (prefix !== undefined && orderBy === 'LastEventTime') {
        throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
      }
      const limit = r.optNumber('limit') ?? 50;
      if (limit < 1 || limit > 50) throw invalid('limit must be between 1 and 50.');
      const streams = [...world.group(name).streams.values()].filter((s) => s.name.startsWith(prefix ?? ''));
      const key = (s: LogStream): number | string =>
        orderBy === 'LastEventTime' ? (s.events.at(-1)?.timestamp ?? 0) : s.name;
      streams.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      if (r.optBool('descending')) streams.reverse();
      const page = pageOf(streams, limit, r.optString('nextToken'), badToken);
      return { logStreams: page.items.map((s) => describeStream(name, s)), nextToken: page.next };
    },
    GetLogEvents: (input) => {
      const r = new InputReader(input, invalid);
      const stream = world.stream(groupName(r), r.string('logStreamName'));
      return getLogEvents(stream, {
        startTime: r.optNumber('startTime'),
        endTime: r.optNumber('endTime'),
        nextToken: r.optString('nextToken'),
        limit: r.optNumber('limit'),
        startFromHead: r.optBool('startFromHead'),
      });
    },
    FilterLogEvents: (input) => {
      const r = new InputReader(input, invalid);
      const group = world.group(groupName(r));
      const names = r.optStrings('logStreamNames');
      const prefix = r.optString('logStreamNamePrefix');
      if (names && prefix !== undefined) {
        throw invalid('logStreamNames and logStreamNamePrefix are mutually exclusive.');
      }
      const startTime = r.optNumber('startTime');
      const endTime = r.optNumber('endTime');
      // Only the simplest filter pattern (terms that must all appear) is supported.
      const terms = (r.optString('filterPattern') ?? '')
        .split(/\s+/)
        .map((t) => t.replace(/^"|"$/g, ''))
        .filter((t) => t !== '');
      const matches: (StoredEvent & { logStreamName: string; eventId: string })[] = [];
      for (const s of group.streams.values()) {
        if (names && !names.includes(s.name)) continue;
        if (prefix !== undefined && !s.name.startsWith(prefix)) continue;
        s.events.forEach((e, i) => {
          if (startTime !== undefined && e.timestamp < startTime) return;
          if (endTime !== undefined && e.timestamp > endTime) return;
          if (!terms.every((t) => e.message.includes(t))) return;
          matches.push({ ...e, logStreamName: s.name, eventId: `${s.name}/${i}` });
        });
      }
      matches.sort((a, b) => a.timestamp - b.timestamp);
      const limit = r.optNumber('limit') ?? 10_000;
      if (limit < 1 || limit > 10_000) throw invalid('limit must be between 1 and 10000.');
      const page = pageOf(matches, limit, r.optString('nextToken'), badToken);
      return { events: page.items, nextToken: page.next, searchedLogStreams: [] };
    },
  };
  return { operations, world };
}
