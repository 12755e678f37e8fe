import {
  type CloudWatchLogsClient,
  GetLogEventsCommand,
  type GetLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';

/**
 * Events per page: small pages keep memory flat (a page is parsed whole), and
 * the pages per drain cap keeps a burst under GetLogEvents' 25 requests/s quota.
 */
export const PAGE_LIMIT = 2500;
const MAX_PAGES_PER_DRAIN = 10;

export interface Drained {
  /** New lines delivered. */
  lines: number;
  /** Whether the end of what the stream holds now was reached (else more pages wait). */
  atEnd: boolean;
}

/**
 * Follows one log stream with GetLogEvents forward tokens. At the end of the
 * stream AWS hands back the very token sent, and events written later appear
 * behind it, so keeping the last token gives every line once, in order, without
 * holding any of them.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html
 */
export class LogFollower {
  private token: string | undefined;
  /** Lines delivered so far. */
  lines = 0;
  pages = 0;
  /** Whether the stream has been seen to exist. */
  found = false;

  constructor(
    private readonly logs: CloudWatchLogsClient,
    readonly group: string,
    readonly stream: string,
    private readonly onLine: (line: string) => void,
    private readonly signal?: AbortSignal,
  ) {}

  /** Reads up to a few pages, stopping at the end of what the stream holds now. */
  async drain(): Promise<Drained> {
    const before = this.lines;
    for (let page = 0; page < MAX_PAGES_PER_DRAIN; page += 1) {
      const sent = this.token;
      let out: GetLogEventsCommandOutput;
      try {
        out = await this.logs.send(
          new GetLogEventsCommand({
            logGroupName: this.group,
            logStreamName: this.stream,
            startFromHead: true,
            limit: PAGE_LIMIT,
            ...(sent !== undefined && { nextToken: sent }),
          }),
          this.signal ? { abortSignal: this.signal } : {},
        );
      } catch (error) {
        // The stream appears when the container first writes (or starts): not yet is not an error.
        if (error instanceof Error && error.name === 'ResourceNotFoundException')
          return { lines: 0, atEnd: true };
        throw error;
      }
      this.found = true;
      this.pages += 1;
      for (const event of out.events ?? []) {
        const parts = (event.message ?? '').split(/\r?\n/);
        if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
        for (const line of parts) {
          this.lines += 1;
          this.onLine(line);
        }
      }
      const next = out.nextForwardToken;
      if (next === undefined || next === sent) return { lines: this.lines - before, atEnd: true };
      this.token = next;
    }
    return { lines: this.lines - before, atEnd: false };
  }

  /** Reads everything the stream holds now, however many pages that takes. */
  async drainAll(): Promise<number> {
    let lines = 0;
    for (;;) {
      const page = await this.drain();
      lines += page.lines;
      if (page.atEnd) return lines;
    }
  }
}
