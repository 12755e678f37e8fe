/**
 * A real HTTP server on 127.0.0.1 that answers from a script, for smoke checks:
 * each request takes the next status (the last one repeats); `hang` never answers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answer = number | 'hang';

export interface ScriptedServer {
  url: string;
  /** Statuses answered so far, in order ('hang' for requests left hanging). */
  answered: Answer[];
  setScript(answers: Answer[]): void;
  close(): Promise<void>;
}

export async function scriptedServer(answers: Answer[]): Promise<ScriptedServer> {
  let script = [...answers];
  const answered: Answer[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    req.resume();
    const next = script.length > 1 ? script.shift() : script[0];
    const answer = next ?? 200;
    answered.push(answer);
    if (answer === 'hang') {
      hanging.add(res);
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
    setScript: (next) => {
      script = [...next];
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
