/**
 * Turns the engine's build and push streams into what a person reads: one line
 * per build step (BuildKit's vertex names) prefixed by the image key, the full
 * output at debug level, and for a failure the failing step with its last lines.
 */
import type { Logger } from '../runtime/log';
import { decodeStatus } from './protobuf';

/** One JSON message of a build or push stream. */
export interface StreamMessage {
  id?: string;
  stream?: string;
  status?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: unknown;
}

export interface StepFailure {
  step: string;
  error: string;
  output: string[];
}

const OUTPUT_LINES_KEPT = 20;

/** Splits a byte stream into JSON messages; a line that is not JSON becomes a `stream` message. */
export async function* messages(stream: AsyncIterable<Buffer | string>): AsyncGenerator<StreamMessage> {
  let buffered = '';
  const parse = (line: string): StreamMessage => {
    try {
      const value = JSON.parse(line) as unknown;
      return typeof value === 'object' && value !== null ? (value as StreamMessage) : { stream: line };
    } catch {
      return { stream: line };
    }
  };
  for await (const chunk of stream) {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') yield parse(line);
  }
  if (buffered.trim() !== '') yield parse(buffered);
}

/** BuildKit's own bookkeeping steps (loading the Dockerfile, receiving the context). */
export const isHousekeeping = (name: string): boolean =>
  name.startsWith('[internal]') || name.startsWith('copy /context');

interface StepState {
  name: string;
  announced: boolean;
  output: string[];
  partial: string;
  error: string;
}

/** Follows one build's BuildKit trace. */
export class BuildProgress {
  private readonly steps = new Map<string, StepState>();
  imageId: string | undefined;
  /** The stream's own error line (`error`/`errorDetail`): set means the build failed. */
  error: string | undefined;

  constructor(
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  private step(digest: string): StepState {
    let s = this.steps.get(digest);
    if (!s) {
      s = { name: '', announced: false, output: [], partial: '', error: '' };
      this.steps.set(digest, s);
    }
    return s;
  }

  handle(msg: StreamMessage): void {
    if (msg.error !== undefined || msg.errorDetail?.message !== undefined) {
      this.error = msg.errorDetail?.message ?? msg.error;
      this.log.debug(`${this.prefix} error: ${this.error}`);
      return;
    }
    if (msg.id === 'moby.image.id') {
      const id = (msg.aux as { ID?: unknown } | undefined)?.ID;
      if (typeof id === 'string') this.imageId = id;
      return;
    }
    if (msg.id === 'moby.buildkit.trace' && typeof msg.aux === 'string') {
      this.trace(msg.aux);
      return;
    }
    if (msg.stream !== undefined && msg.stream.trim() !== '')
      this.log.debug(`${this.prefix} ${msg.stream.trimEnd()}`);
  }

  private trace(aux: string): void {
    const status = decodeStatus(Buffer.from(aux, 'base64'));
    for (const v of status.vertexes) {
      const s = this.step(v.digest);
      if (v.name) s.name = v.name;
      if (v.error) s.error = v.error;
      if (!s.announced && (v.started || v.cached) && s.name) {
        s.announced = true;
        const line = `${this.prefix} ${v.cached ? 'CACHED ' : ''}${s.name}`;
        if (isHousekeeping(s.name)) this.log.debug(line);
        else this.log.info(line);
      }
    }
    for (const l of status.logs) {
      const s = this.step(l.vertex);
      const lines = (s.partial + l.msg).split(/\r?\n/);
      s.partial = lines.pop() ?? '';
      for (const line of lines) {
        this.log.debug(`${this.prefix}   ${line}`);
        s.output.push(line);
        if (s.output.length > OUTPUT_LINES_KEPT) s.output.shift();
      }
    }
  }

  /** The step that failed, with its last output lines; undefined when no step reported an error. */
  failure(): StepFailure | undefined {
    for (const s of this.steps.values()) {
      if (!s.error) continue;
      const output = s.partial ? [...s.output, s.partial] : s.output;
      return { step: s.name, error: s.error, output: output.filter((l) => l.trim() !== '') };
    }
    return undefined;
  }
}

/** The failure as the user reads it: the step, the error, then the step's last output lines. */
export function describeFailure(failure: StepFailure | undefined, streamError: string | undefined): string {
  if (!failure) return `the build failed: ${streamError ?? 'the engine reported no reason'}`;
  const lines = [`build step "${failure.step}" failed: ${failure.error}`];
  if (failure.output.length > 0) {
    lines.push('last output of the step:', ...failure.output.map((l) => `  | ${l}`));
  } else {
    lines.push('the step printed no output');
  }
  return lines.join('\n');
}

/** Follows a push stream: returns the pushed manifest digest, or the error the stream reported. */
export class PushProgress {
  digest: string | undefined;
  error: string | undefined;
  private readonly layers = new Map<string, string>();

  constructor(
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  handle(msg: StreamMessage): void {
    if (msg.error !== undefined || msg.errorDetail?.message !== undefined) {
      this.error = msg.errorDetail?.message ?? msg.error;
      return;
    }
    const aux = msg.aux as { Digest?: unknown } | undefined;
    if (typeof aux?.Digest === 'string') {
      this.digest = aux.Digest;
      return;
    }
    if (msg.id && msg.status && msg.status !== this.layers.get(msg.id) && !msg.progress) {
      this.layers.set(msg.id, msg.status);
      this.log.debug(`${this.prefix} ${msg.id}: ${msg.status}`);
    } else if (!msg.id && msg.status) {
      this.log.debug(`${this.prefix} ${msg.status}`);
    }
  }
}
