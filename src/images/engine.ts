/**
 * The Docker engine side: a registry login check, BuildKit builds with a
 * session that answers credentials for the ECR host only, and pushes whose
 * digest comes from the push stream itself.
 * https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Image/operation/ImageBuild
 */
import type { IncomingMessage } from 'node:http';
import type Docker from 'dockerode';
import type { Logger } from '../runtime/log';
import { contextTar, type PreparedContext } from './build-context';
import { ImagesError } from './errors';
import { BuildProgress, describeFailure, messages, PushProgress } from './progress';
import { openSession, type RegistryCredentials } from './session';

export interface EngineDeps {
  docker: Docker;
  log: Logger;
  signal: AbortSignal;
}

const authconfig = (creds: RegistryCredentials) => ({
  username: creds.username,
  password: creds.password,
  serveraddress: creds.host,
});

/** Words registries and engines use when they refuse credentials. */
export const looksLikeAuthFailure = (message: string): boolean =>
  /unauthorized|authentication required|401|403|denied|no basic auth credentials|incorrect username or password/i.test(
    message,
  );

/** Why the registry refused, naming it and what to check; the password never appears. */
export function authFailure(
  key: string | undefined,
  creds: RegistryCredentials,
  while_: string,
  detail: string,
): Error {
  const hint =
    key === undefined
      ? 'The token ECR issued was not accepted: check that the AWS credentials are for the account and region of this registry.'
      : 'Check that the AWS role may pull from and push to this repository (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage).';
  const message = `the registry ${creds.host} refused the credentials from ECR GetAuthorizationToken while ${while_}: ${detail}. ${hint}`;
  return key === undefined ? new Error(`ECR login: ${message}`) : new ImagesError(key, message);
}

/** Asks the engine to log in to the registry (POST /auth): a refused password fails here, before any build. */
export async function checkRegistryLogin(deps: EngineDeps, creds: RegistryCredentials): Promise<void> {
  try {
    await deps.docker.checkAuth({ ...authconfig(creds), abortSignal: deps.signal });
  } catch (error) {
    deps.signal.throwIfAborted();
    const message = String(
      (error as { json?: { message?: string } }).json?.message ?? (error as Error).message,
    );
    throw authFailure(undefined, creds, 'logging in', message.replaceAll(creds.password, '***'));
  }
}

function dial(docker: Docker, options: Parameters<Docker['modem']['dial']>[0]): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(options, (err: unknown, data: unknown) => {
      if (err) reject(err);
      else resolve(data as IncomingMessage);
    });
  });
}

const engineMessage = (error: unknown): string =>
  String(
    (error as { json?: { message?: string } }).json?.message ?? (error as Error).message ?? error,
  ).trim();

export interface BuildRequest {
  key: string;
  prepared: PreparedContext;
  /** Local tag of the result, `<uri>:<tag>`. */
  tag: string;
  platform: string;
  buildArgs: Record<string, string>;
  target?: string | undefined;
  cacheFrom: string[];
  creds: RegistryCredentials;
  networkMode: string;
}

/**
 * Builds one image with BuildKit; a failing step is an error quoting the step
 * and its output. Engine 20.10 once answered a cache import with "no active
 * session … context deadline exceeded" for a session that was open (seen once
 * in about 15 bench runs, not understood yet): that answer gets one retry.
 */
export async function build(deps: EngineDeps, req: BuildRequest): Promise<string> {
  try {
    return await buildOnce(deps, req);
  } catch (error) {
    if (!(error instanceof ImagesError) || !/no active session for/.test(error.message)) throw error;
    deps.log.info(
      `[${req.key}] the engine lost the build's session (${error.message.split('\n')[0]}); building again`,
    );
    return buildOnce(deps, req);
  }
}

async function buildOnce(deps: EngineDeps, req: BuildRequest): Promise<string> {
  const prefix = `[${req.key}]`;
  const session = await openSession(deps.docker, req.creds);
  deps.log.debug(`${prefix} BuildKit session ${session.id}`);
  const progress = new BuildProgress(prefix, deps.log);
  try {
    const stream = await dial(deps.docker, {
      path: '/build?',
      method: 'POST',
      file: contextTar(req.prepared),
      isStream: true,
      abortSignal: deps.signal,
      statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
      options: {
        version: '2',
        session: session.id,
        t: req.tag,
        dockerfile: req.prepared.dockerfileInTar,
        platform: req.platform,
        // Inline cache metadata makes the pushed image usable as a cache source by a fresh runner.
        buildargs: { ...req.buildArgs, BUILDKIT_INLINE_CACHE: '1' },
        ...(req.target !== undefined ? { target: req.target } : {}),
        cachefrom: JSON.stringify(req.cacheFrom),
        networkmode: req.networkMode,
        rm: true,
        forcerm: true,
      },
    });
    for await (const msg of messages(stream)) progress.handle(msg);
  } catch (error) {
    deps.signal.throwIfAborted();
    const message = engineMessage(error);
    if (looksLikeAuthFailure(message)) throw authFailure(req.key, req.creds, 'building', message);
    throw new ImagesError(req.key, `the Docker engine refused the build: ${message}`);
  } finally {
    session.close();
  }
  deps.signal.throwIfAborted();
  const failure = progress.failure();
  if (progress.error !== undefined || failure) {
    const why = failure?.error ?? progress.error ?? '';
    if (!failure && looksLikeAuthFailure(why)) throw authFailure(req.key, req.creds, 'building', why);
    throw new ImagesError(req.key, describeFailure(failure, progress.error));
  }
  if (!progress.imageId)
    throw new ImagesError(req.key, 'the build ended without an image id: the engine stream was cut short');
  return progress.imageId;
}

/** Pushes `<uri>:<tag>`; returns the manifest digest the push reported. */
export async function push(
  deps: EngineDeps,
  key: string,
  uri: string,
  tag: string,
  creds: RegistryCredentials,
): Promise<string> {
  const progress = new PushProgress(`[${key}]`, deps.log);
  try {
    const stream = (await deps.docker
      .getImage(uri)
      .push({ tag, authconfig: authconfig(creds), abortSignal: deps.signal })) as unknown as IncomingMessage;
    for await (const msg of messages(stream)) progress.handle(msg);
  } catch (error) {
    deps.signal.throwIfAborted();
    const message = engineMessage(error);
    if (looksLikeAuthFailure(message)) throw authFailure(key, creds, `pushing ${uri}:${tag}`, message);
    throw new ImagesError(key, `pushing ${uri}:${tag} failed: ${message}`);
  }
  deps.signal.throwIfAborted();
  if (progress.error !== undefined) {
    if (looksLikeAuthFailure(progress.error))
      throw authFailure(key, creds, `pushing ${uri}:${tag}`, progress.error);
    throw new ImagesError(key, `pushing ${uri}:${tag} failed: ${progress.error}`);
  }
  if (!progress.digest)
    throw new ImagesError(key, `pushing ${uri}:${tag} ended without a digest in the push stream`);
  return progress.digest;
}
