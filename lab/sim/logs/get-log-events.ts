/**
 * GetLogEvents paging as the API reference describes it: tokens are never
 * null, at the end of the stream nextForwardToken is the very token sent,
 * `limit` ≤ 10,000 and a page holds at most 1 MB.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html
 */
import { AwsError } from '../types.js';
import type { LogStream, StoredEvent } from './store.js';

export const MAX_LIMIT = 10_000;
/** 1 MB per page, counting each event as its UTF-8 message plus 26 bytes, as PutLogEvents does. */
export const MAX_PAGE_BYTES = 1_048_576;

const invalidToken = () => new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');

/** Position tokens shaped like AWS's (`f/<digits>/s`); the position is an index into the stream. */
export const forwardToken = (i: number): string => `f/${String(i).padStart(56, '0')}/s`;
export const backwardToken = (i: number): string => `b/${String(i).padStart(56, '0')}/s`;

function parseToken(token: string, size: number): { dir: 'f' | 'b'; index: number } {
  const m = /^([fb])\/([0-9]{56})\/s$/.exec(token);
  if (!m) throw invalidToken();
  const index = Number(m[2]);
  if (index > size) throw invalidToken();
  return { dir: m[1] as 'f' | 'b', index };
}

export interface GetLogEventsRequest {
  startTime?: number | undefined;
  endTime?: number | undefined;
  nextToken?: string | undefined;
  limit?: number | undefined;
  startFromHead?: boolean | undefined;
}

export function getLogEvents(stream: LogStream, req: GetLogEventsRequest) {
  const limit = req.limit ?? MAX_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000`,
    );
  }
  const all = stream.events;
  const inRange = (e: StoredEvent) =>
    (req.startTime === undefined || e.timestamp >= req.startTime) &&
    (req.endTime === undefined || e.timestamp < req.endTime);
  const cost = (e: StoredEvent) => Buffer.byteLength(e.message) + 26;

  const token = req.nextToken ? parseToken(req.nextToken, all.length) : undefined;
  const forward = token ? token.dir === 'f' : req.startFromHead === true;
  const picked: StoredEvent[] = [];
  let bytes = 0;
  if (forward) {
    const from = token?.index ?? 0;
    let i = from;
    for (; i < all.length && picked.length < limit; i += 1) {
      const e = all[i] as StoredEvent;
      if (!inRange(e)) continue;
      if (bytes + cost(e) > MAX_PAGE_BYTES) break;
      bytes += cost(e);
      picked.push(e);
    }
    return {
      events: picked.map(wireEvent),
      // At the end of the stream the caller gets back exactly the token it sent.
      nextForwardToken: i === from && req.nextToken ? req.nextToken : forwardToken(i),
      nextBackwardToken: backwardToken(from),
    };
  }
  const until = token?.index ?? all.length;
  let i = until;
  for (; i > 0 && picked.length < limit; i -= 1) {
    const e = all[i - 1] as StoredEvent;
    if (!inRange(e)) continue;
    if (bytes + cost(e) > MAX_PAGE_BYTES) break;
    bytes += cost(e);
    picked.push(e);
  }
  picked.reverse();
  return {
    events: picked.map(wireEvent),
    nextForwardToken: forwardToken(until),
    nextBackwardToken: i === until && req.nextToken ? req.nextToken : backwardToken(i),
  };
}

function wireEvent(e: StoredEvent) {
  return { timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime };
}
