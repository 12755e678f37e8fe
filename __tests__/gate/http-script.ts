/**
 * A real HTTP server on 127.0.0.1 that answers from a script, for smoke checks:
 * each request takes the next status (the last one repeats); `hang` never answers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A status, a redirect (`{ status: 302, location }`), or `hang`. */
export type Answer = number | 'hang' | { status: number; location: string };

export interface ScriptedServer {
  url: string;
  /** Statuses answered so far, in order ('hang' for requests left hanging). */
  answered: Answer[];
  /** The Host header of each request, in order. */
  hosts: string[];
  setScript(answers: Answer[]): void;
  /** Resolves once `count` requests have arrived (an event to act on, rather than a timer). */
  requested(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function scriptedServer(answers: Answer[]): Promise<ScriptedServer> {
  let script = [...answers];
  const answered: Answer[] = [];
  const hosts: string[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const waiting: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    hosts.push(req.headers.host ?? '');
    const next = script.length > 1 ? script.shift() : script[0];
    const answer = next ?? 200;
    answered.push(answer);
    for (const w of waiting.filter((x) => answered.length >= x.count)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
    if (answer === 'hang') {
      hanging.add(res);
      return;
    }
    if (typeof answer === 'object') {
      res.writeHead(answer.status, { location: answer.location });
      res.end();
      return;
    }
    res.writeHead(answer, { 'content-type': 'text/plain' });
    res.end(answer >= 200 && answer < 300 ? 'ok' : 'not ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/healthz`,
    answered,
    hosts,
    setScript: (next) => {
      script = [...next];
    },
    requested: (count) =>
      answered.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiting.push({ count, resolve })),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
