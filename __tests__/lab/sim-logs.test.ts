import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  InvalidParameterException,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf, type Harness, MODES, openLab } from './sim-harness.js';

const G = '/ecs/acme-api';
const S = 'ecs/api/0123456789abcdef';

describe.each(MODES)('CloudWatch Logs (%s)', (mode) => {
  let h: Harness;
  afterEach(async () => h.close());

  const fill = (x: Harness, n: number) => {
    x.lab.logs.ensureStream(G, S);
    x.lab.logs.put(
      G,
      S,
      Array.from({ length: n }, (_, i) => ({ timestamp: 1_000 + i, message: `line ${i}` })),
    );
  };

  it('pages forward from the head; at the end the forward token is the one sent', async () => {
    h = await openLab(mode);
    fill(h, 5);
    const logs = new CloudWatchLogsClient(h.config);
    const p1 = await logs.send(
      new GetLogEventsCommand({ logGroupName: G, logStreamName: S, startFromHead: true, limit: 2 }),
    );
    expect(p1.events?.map((e) => e.message)).toEqual(['line 0', 'line 1']);
    const p2 = await logs.send(
      new GetLogEventsCommand({
        logGroupName: G,
        logStreamName: S,
        startFromHead: true,
        limit: 10,
        nextToken: p1.nextForwardToken,
      }),
    );
    expect(p2.events?.map((e) => e.message)).toEqual(['line 2', 'line 3', 'line 4']);
    expect(p2.events?.[0]).toMatchObject({ timestamp: 1002, ingestionTime: h.clock.now() });
    const end = await logs.send(
      new GetLogEventsCommand({
        logGroupName: G,
        logStreamName: S,
        startFromHead: true,
        nextToken: p2.nextForwardToken,
      }),
    );
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(p2.nextForwardToken);
    // New events appear behind the same token: the tail-follow loop the action runs.
    h.lab.logs.put(G, S, [{ timestamp: 2_000, message: 'late' }]);
    const more = await logs.send(
      new GetLogEventsCommand({
        logGroupName: G,
        logStreamName: S,
        startFromHead: true,
        nextToken: end.nextForwardToken,
      }),
    );
    expect(more.events?.map((e) => e.message)).toEqual(['late']);
    expect(more.nextForwardToken).not.toBe(end.nextForwardToken);
  });

  it('without a token and startFromHead returns the newest events; backward tokens go back', async () => {
    h = await openLab(mode);
    fill(h, 5);
    const logs = new CloudWatchLogsClient(h.config);
    const tail = await logs.send(new GetLogEventsCommand({ logGroupName: G, logStreamName: S, limit: 2 }));
    expect(tail.events?.map((e) => e.message)).toEqual(['line 3', 'line 4']);
    const back = await logs.send(
      new GetLogEventsCommand({
        logGroupName: G,
        logStreamName: S,
        limit: 2,
        nextToken: tail.nextBackwardToken,
      }),
    );
    expect(back.events?.map((e) => e.message)).toEqual(['line 1', 'line 2']);
    const window = await logs.send(
      new GetLogEventsCommand({
        logGroupName: G,
        logStreamName: S,
        startFromHead: true,
        startTime: 1001,
        endTime: 1003,
      }),
    );
    expect(window.events?.map((e) => e.message)).toEqual(['line 1', 'line 2']);
  });

  it('caps limit at 10,000 and names missing groups and streams', async () => {
    h = await openLab(mode);
    fill(h, 1);
    const logs = new CloudWatchLogsClient(h.config);
    const big = await errorOf(
      logs.send(new GetLogEventsCommand({ logGroupName: G, logStreamName: S, limit: 10_001 })),
    );
    expect(big).toBeInstanceOf(InvalidParameterException);
    const noGroup = await errorOf(
      logs.send(new GetLogEventsCommand({ logGroupName: '/nope', logStreamName: S })),
    );
    expect(noGroup).toBeInstanceOf(ResourceNotFoundException);
    expect(noGroup.message).toBe('The specified log group does not exist.');
    const noStream = await errorOf(
      logs.send(new GetLogEventsCommand({ logGroupName: G, logStreamName: 'nope' })),
    );
    expect(noStream.message).toBe('The specified log stream does not exist.');
    const badToken = await errorOf(
      logs.send(new GetLogEventsCommand({ logGroupName: G, logStreamName: S, nextToken: 'f/123' })),
    );
    expect(badToken).toBeInstanceOf(InvalidParameterException);
  });

  it('creates groups and streams, takes PutLogEvents, describes and filters', async () => {
    h = await openLab(mode);
    const logs = new CloudWatchLogsClient(h.config);
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/app' }));
    expect(await errorOf(logs.send(new CreateLogGroupCommand({ logGroupName: '/app' })))).toBeInstanceOf(
      ResourceAlreadyExistsException,
    );
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/app', logStreamName: 'b' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/app', logStreamName: 'a' }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/app',
        logStreamName: 'a',
        logEvents: [
          { timestamp: 10, message: 'migrate: applying 0001' },
          { timestamp: 11, message: 'migrate: done' },
        ],
      }),
    );
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/app' }));
    expect(streams.logStreams?.map((s) => [s.logStreamName, s.lastEventTimestamp])).toEqual([
      ['a', 11],
      ['b', undefined],
    ]);
    const filtered = await logs.send(
      new FilterLogEventsCommand({ logGroupName: '/app', filterPattern: 'done' }),
    );
    expect(filtered.events?.map((e) => [e.logStreamName, e.message])).toEqual([['a', 'migrate: done']]);
  });
});
