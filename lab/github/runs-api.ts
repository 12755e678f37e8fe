/**
 * A local stand-in for GitHub's workflow runs API, for the tests that point
 * GITHUB_API_URL at it: GET /repos/{owner}/{repo}/actions/runs/{run_id} answers the
 * status and attempt the test set for that run, and 404 (GitHub's error shape) for a
 * run it was never told about. Every request is recorded, with its Authorization header.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunsApiRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface RunsApi {
  /** Base URL, for GITHUB_API_URL. */
  url: string;
  requests: RunsApiRequest[];
  /** What GitHub says of run `id` of `repository` (`owner/repo`) from now on. */
  setRun(repository: string, id: string, run: { status: string; runAttempt: number }): void;
  /** GitHub no longer knows run `id` (404 from now on). */
  forgetRun(repository: string, id: string): void;
  close(): Promise<void>;
}

const RUN_PATH = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)$/;

export async function startRunsApi(): Promise<RunsApi> {
  const runs = new Map<string, { status: string; runAttempt: number }>();
  const requests: RunsApiRequest[] = [];
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization });
    const m = RUN_PATH.exec(path);
    const run = m && req.method === 'GET' ? runs.get(`${m[1]}/${m[2]}#${m[3]}`) : undefined;
    if (!m || !run) {
      send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
      return;
    }
    send(res, 200, {
      id: Number(m[3]),
      status: run.status,
      conclusion: run.status === 'completed' ? 'cancelled' : null,
      run_attempt: run.runAttempt,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setRun: (repository, id, run) => runs.set(`${repository}#${id}`, run),
    forgetRun: (repository, id) => runs.delete(`${repository}#${id}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
