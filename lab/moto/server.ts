/**
 * moto_server as a child process for the moto suite: started on a free
 * loopback port in its own process group (the pyenv shim execs Python, which
 * may fork), so stopping it kills the whole group and leaves nothing behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  pid: number;
  /** A position in moto_server's output, for `outputSince`. */
  mark(): number;
  /**
   * What moto_server printed since `mark` (as far as the last 64 KB reach): where
   * its tracebacks say why it answered a 500, e.g. `NotImplementedError: The
   * describe_x action has not been implemented`, which the HTTP answer does not.
   */
  outputSince(mark: number): string;
  /**
   * Resolves with what `found` makes of the output since `mark` as soon as it makes something
   * of it, read again at each chunk moto_server writes: waiting on its output, not on a timer.
   */
  outputWhen<T>(mark: number, found: (output: string) => T | undefined): Promise<T>;
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Kills the process group and waits for the process to exit. */
  stop(): Promise<void>;
}

/** The moto_server executable: MOTO_SERVER, else the first on PATH; undefined when not installed. */
export function findMotoServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    ...(env.MOTO_SERVER ? [env.MOTO_SERVER] : []),
    ...(env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'moto_server')),
  ];
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

/** Why the moto suite cannot run here, or undefined when it can. */
export function motoSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findMotoServer(env) === undefined
    ? 'moto_server is not installed (not on PATH, MOTO_SERVER unset): `pip install "moto[server]"` to run the moto suite'
    : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Starts moto_server and resolves once it answers HTTP. Throws (with its output) when it does not start. */
export async function startMotoServer(
  options: { bin?: string; timeoutMs?: number } = {},
): Promise<MotoServer> {
  const bin = options.bin ?? findMotoServer();
  if (bin === undefined) throw new Error(motoSkipReason() ?? 'moto_server not found');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const KEEP = 64 * 1024;
  let output = '';
  let written = 0;
  const outputSince = (mark: number) => output.slice(Math.max(0, output.length - (written - mark)));
  /** `outputWhen` callers still waiting: each looks at the output again after every chunk. */
  const waiting = new Set<() => void>();
  const keep = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    written += text.length;
    output = (output + text).slice(-KEEP);
    for (const look of waiting) look();
  };
  const outputWhen = <T>(mark: number, found: (output: string) => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const look = () => {
        const result = found(outputSince(mark));
        if (result === undefined) return;
        waiting.delete(look);
        resolve(result);
      };
      waiting.add(look);
      look();
    });
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test run that dies mid-suite must not leave moto_server behind.
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);

  const stop = async () => {
    process.removeListener('exit', onExit);
    // moto keeps nothing worth a graceful shutdown, and its SIGTERM handling takes seconds.
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 300);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (!(await answers(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `moto_server (${bin}) did not answer on ${url} within ${options.timeoutMs ?? 20_000} ms; its output:\n${output.slice(-4000).trim()}`,
      );
    }
    await sleep(100);
  }
  return {
    url,
    port,
    pid: child.pid ?? 0,
    mark: () => written,
    outputSince,
    outputWhen,
    reset: async () => {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`moto_server reset at ${url} answered HTTP ${res.status}`);
    },
    stop,
  };
}
