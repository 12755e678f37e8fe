/**
 * A BuildKit session that answers registry credential requests per host.
 * dockerode's own session hands the same credentials to every registry, so a
 * `FROM` on Docker Hub would be sent ECR's password and be refused; here only
 * the ECR registry host gets them and any other host is asked anonymously.
 * https://github.com/moby/buildkit/blob/master/session/auth/auth.proto
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { ServiceDefinition } from '@grpc/grpc-js';
import type Docker from 'dockerode';
import { readFields, text, writeStrings } from './protobuf';

export interface RegistryCredentials {
  /** Registry host as image references name it, e.g. `123.dkr.ecr.eu-west-1.amazonaws.com`. */
  host: string;
  username: string;
  password: string;
}

/** The credentials BuildKit gets for `host`: ours for our registry, none elsewhere. */
export function credentialsFor(
  host: string,
  creds: RegistryCredentials,
): { username: string; secret: string } {
  return host === creds.host
    ? { username: creds.username, secret: creds.password }
    : { username: '', secret: '' };
}

const authService: ServiceDefinition = {
  Credentials: {
    path: '/moby.filesync.v1.Auth/Credentials',
    requestStream: false,
    responseStream: false,
    requestSerialize: (host: string) => writeStrings([{ number: 1, value: host }]),
    requestDeserialize: (buf: Buffer) => text(readFields(buf).find((f) => f.number === 1)?.value),
    responseSerialize: (r: { username: string; secret: string }) =>
      writeStrings([
        { number: 1, value: r.username },
        { number: 2, value: r.secret },
      ]),
    responseDeserialize: (buf: Buffer) => buf,
  },
};

export interface Session {
  id: string;
  close(): void;
}

/** Opens `/session` on the engine and serves the Auth service over it. */
export async function openSession(docker: Docker, creds: RegistryCredentials): Promise<Session> {
  // gRPC loads with the first build: a plan, a rollback or a no-op re-run never needs it.
  const { Server, ServerCredentials } = await import('@grpc/grpc-js');
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: '/session',
        method: 'POST',
        hijack: true,
        headers: {
          Upgrade: 'h2c',
          'X-Docker-Expose-Session-Uuid': id,
          'X-Docker-Expose-Session-Name': 'ecs-release',
        },
        statusCodes: { 101: true, 200: true, 500: 'server error' },
      },
      (err: unknown, socket: unknown) => {
        if (err) {
          reject(err);
          return;
        }
        const stream = socket as Duplex;
        const server = new Server();
        server.addService(authService, {
          Credentials: (
            call: { request: string },
            callback: (e: null, r: { username: string; secret: string }) => void,
          ) => callback(null, credentialsFor(call.request, creds)),
        });
        server.createConnectionInjector(ServerCredentials.createInsecure()).injectConnection(stream);
        resolve({
          id,
          close: () => {
            server.forceShutdown();
            stream.end();
          },
        });
      },
    );
  });
}
