/**
 * GitHub's REST API for deployments, faked at the HTTP level: a real node:http
 * server on 127.0.0.1 answering like api.github.com (status codes, JSON bodies,
 * the error shape `{ message, documentation_url }`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface FakeGithub {
  url: string;
  requests: SeenRequest[];
  /** Statuses posted, per deployment id, in order. */
  statuses(id: number): string[];
  close(): Promise<void>;
}

export async function fakeGithub(
  options: { token?: string; deny?: 403 | 404 | 500 } = {},
): Promise<FakeGithub> {
  const requests: SeenRequest[] = [];
  const statuses = new Map<number, string[]>();
  let nextId = 1000;
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3',
    });
    res.end(JSON.stringify(body));
  };
  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body });
    if (options.token && req.headers.authorization !== `token ${options.token}`) {
      send(res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
      return;
    }
    if (options.deny === 403) {
      send(res, 403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
        status: '403',
      });
      return;
    }
    if (options.deny === 404) {
      send(res, 404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest',
        status: '404',
      });
      return;
    }
    if (options.deny === 500) {
      send(res, 500, { message: 'Server Error' });
      return;
    }
    const create = /^\/repos\/([^/]+)\/([^/]+)\/deployments$/.exec(path);
    if (req.method === 'POST' && create) {
      const id = nextId++;
      statuses.set(id, []);
      send(res, 201, {
        url: `http://${req.headers.host}/repos/${create[1]}/${create[2]}/deployments/${id}`,
        id,
        sha: body.ref,
        ref: body.ref,
        task: 'deploy',
        payload: typeof body.payload === 'string' ? JSON.parse(body.payload) : (body.payload ?? {}),
        environment: body.environment,
        created_at: '2026-11-27T12:00:00Z',
      });
      return;
    }
    const status = /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)\/statuses$/.exec(path);
    if (req.method === 'POST' && status) {
      const id = Number(status[3]);
      const list = statuses.get(id);
      if (!list) {
        send(res, 404, {
          message: 'Not Found',
          documentation_url: 'https://docs.github.com/rest',
          status: '404',
        });
        return;
      }
      list.push(String(body.state));
      send(res, 201, { id: list.length, state: body.state, environment_url: body.environment_url ?? '' });
      return;
    }
    send(res, 404, {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404',
    });
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => handle(req, res, raw));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    statuses: (id) => statuses.get(id) ?? [],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
