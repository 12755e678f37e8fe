/**
 * Replays a captured release against moto_server: make the lab's world in moto
 * (seed.ts `mirrorLabWorld`), pair the two worlds' ids, then send each distinct
 * request shape (and every call that changed the lab) through the real SDK
 * clients and judge moto's answer.
 */

import type { AwsClients } from '../../src/aws/clients.js';
import type { RecordedCall } from '../sim/recorder.js';
import { destroyClients, motoClients } from './clients.js';
import {
  type ErrorFacts,
  IdMap,
  inMotoTerms,
  judge,
  type KnownDifference,
  pythonException,
  type ReportRow,
  replayPlan,
  shapeKey,
  worseVerdict,
} from './replay.js';
import { type AwsCall, sendCall } from './sdk-call.js';
import { motoNetwork, type SeedNetwork, type SeedStep } from './seed.js';
import type { MotoServer } from './server.js';

export type MotoEndpoint = Pick<MotoServer, 'url' | 'mark' | 'outputSince'>;

/**
 * Where the lab and moto answer the same well-formed request differently, and
 * why that says nothing about the request. Keep this list short and specific.
 */
export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [];

/**
 * What moto's acceptance cannot show, by operation (docs/lab.md "moto suite"): for these
 * the request shape is judged, the behaviour behind it is the lab's to test.
 */
export const MOTO_LIMITS: Readonly<Record<string, string>> = {
  'ecs UpdateService': 'moto starts no new deployment',
  'ecs ListTasks': "moto's services run no tasks",
  'ecs RunTask': 'moto runs nothing; its tasks stop with exit code 0',
  'ecr GetAuthorizationToken': "moto's proxyEndpoint is the real AWS host",
  'monitoring DescribeAlarms': 'moto applies only one of the filters',
  'elasticloadbalancing DescribeTargetHealth': 'moto registers no targets for ECS tasks',
};

export interface ReplayResult {
  rows: ReportRow[];
  /** lab id → moto id, as used to rewrite the requests. */
  ids: [string, string][];
}

function errorFacts(e: unknown): ErrorFacts {
  const err = e as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  return {
    code: typeof err.name === 'string' ? err.name : 'Error',
    message: typeof err.message === 'string' ? err.message : String(e),
    ...(status === undefined ? {} : { status }),
  };
}

/** An image that reached the lab's registry by `docker push`, outside the AWS API. */
export interface PushedImage {
  repositoryName: string;
  imageDigest: string;
  imageManifest: string;
  imageManifestMediaType: string;
}

/** What replayAgainstMoto needs from a capture. */
export interface ReplayInput {
  calls: readonly RecordedCall[];
  /** The calls that make the lab's world in moto, with the lab's answers (seed.ts `mirrorLabWorld`). */
  seed: readonly SeedStep[];
  /** The lab's network ids (paired with moto's default VPC). */
  network: SeedNetwork;
  images?: readonly PushedImage[];
}

const ignore = (code: string) => (e: unknown) => {
  if (errorFacts(e).code !== code) throw e;
};

/** The digests (and a tag of each) an ECR answer of the lab showed: images the lab's registry held then. */
function imagesShown(output: unknown): { digest: string; tag?: string }[] {
  const out = (output ?? {}) as {
    imageDetails?: { imageDigest?: string; imageTags?: string[] }[];
    images?: { imageId?: { imageDigest?: string; imageTag?: string } }[];
  };
  return [
    ...(out.imageDetails ?? []).map((d) => ({ digest: d.imageDigest ?? '', tag: d.imageTags?.[0] })),
    ...(out.images ?? []).map((i) => ({ digest: i.imageId?.imageDigest ?? '', tag: i.imageId?.imageTag })),
  ]
    .filter((i) => i.digest !== '')
    .map((i) => (i.tag === undefined ? { digest: i.digest } : { digest: i.digest, tag: i.tag }));
}

/**
 * Resources the lab makes as a side effect and moto does not, created in moto
 * just before the call that reads them: a task's awslogs stream (the lab's ECS
 * writes it, moto's runs nothing), and images the lab's registry held when the
 * lab answered (the images stage pushes them with docker, which moto never sees).
 */
async function prepare(
  clients: AwsClients,
  call: AwsCall,
  recorded: RecordedCall,
  images: readonly PushedImage[],
): Promise<void> {
  if (call.service === 'logs' && call.operation === 'GetLogEvents') {
    const logGroupName = String(call.input.logGroupName);
    const logStreamName = String(call.input.logStreamName);
    await sendCall(clients, {
      service: 'logs',
      operation: 'CreateLogStream',
      input: { logGroupName, logStreamName },
    }).catch(ignore('ResourceAlreadyExistsException'));
  }
  if (
    call.service === 'ecr' &&
    recorded.error === undefined &&
    typeof call.input.repositoryName === 'string'
  ) {
    for (const shown of imagesShown(recorded.output)) {
      const image = images.find(
        (i) => i.imageDigest === shown.digest && i.repositoryName === recorded.input.repositoryName,
      );
      if (!image) continue;
      await sendCall(clients, {
        service: 'ecr',
        operation: 'PutImage',
        input: {
          repositoryName: call.input.repositoryName,
          imageManifest: image.imageManifest,
          imageManifestMediaType: image.imageManifestMediaType,
          ...(shown.tag === undefined ? {} : { imageTag: shown.tag }),
        },
      }).catch(ignore('ImageAlreadyExistsException'));
    }
  }
}

/** moto's bare 500s (HTML the SDK cannot parse) are explained by the traceback moto printed for them. */
async function explainServerError(error: ErrorFacts, output: () => string): Promise<ErrorFacts> {
  const bare =
    (error.status ?? 500) >= 500 || /not valid JSON|<!doctype|Unexpected token/i.test(error.message);
  if (!bare) return error;
  // The traceback reaches our pipe a moment after the answer reaches the socket.
  for (let waited = 0; waited < 1500; waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
    const traceback = pythonException(output());
    if (traceback) return traceback;
  }
  return error;
}

/** Makes the lab's world in moto; returns the lab → moto id pairs learned on the way. */
async function seedMoto(clients: AwsClients, url: string, capture: ReplayInput): Promise<IdMap> {
  const network = await motoNetwork(url);
  const ids = new IdMap();
  ids.add(capture.network.vpcId, network.vpcId);
  for (const key of ['subnets', 'securityGroups'] as const) {
    for (const [i, labId] of capture.network[key].entries()) {
      ids.add(labId, network[key][i % network[key].length] ?? labId);
    }
  }
  for (const step of capture.seed) {
    const call = { ...step.call, input: ids.rewrite(step.call.input) };
    try {
      ids.learn(step.output, await sendCall(clients, call));
    } catch (e) {
      const { code, message } = errorFacts(e);
      throw new Error(
        `seeding moto with the lab's world: ${call.service} ${call.operation} ${JSON.stringify(call.input).slice(0, 300)} failed: ${code}: ${message}`,
      );
    }
  }
  return ids;
}

export async function replayAgainstMoto(
  capture: ReplayInput,
  moto: MotoEndpoint,
  known: readonly KnownDifference[] = KNOWN_DIFFERENCES,
): Promise<ReplayResult> {
  const clients = motoClients(moto.url);
  try {
    const ids = await seedMoto(clients, moto.url, capture);
    const counts = new Map<string, number>();
    for (const c of capture.calls) counts.set(shapeKey(c), (counts.get(shapeKey(c)) ?? 0) + 1);
    const rows = new Map<string, ReportRow>();
    for (const recorded of replayPlan(capture.calls)) {
      const key = shapeKey(recorded);
      const call = inMotoTerms({
        service: recorded.service,
        operation: recorded.operation,
        input: ids.rewrite(recorded.input),
      });
      let motoError: ErrorFacts | undefined;
      const mark = moto.mark();
      try {
        await prepare(clients, call, recorded, capture.images ?? []);
        const output = await sendCall(clients, call);
        ids.learn(recorded.output, output);
      } catch (e) {
        motoError = await explainServerError(errorFacts(e), () => moto.outputSince(mark));
      }
      const labError = recorded.error
        ? { code: recorded.error.code, message: recorded.error.message }
        : undefined;
      const judgement = judge(call, motoError, labError, known);
      const limit = MOTO_LIMITS[`${call.service} ${call.operation}`];
      const { verdict } = judgement;
      const detail =
        verdict === 'accepted' && limit
          ? [judgement.detail, `shape only: ${limit}`].filter(Boolean).join('; ')
          : judgement.detail;
      const seen = rows.get(key);
      // A shape's row is its first call, unless a later one of the same shape fared worse.
      if (seen && !worseVerdict(seen.verdict, verdict)) continue;
      rows.set(key, {
        service: call.service,
        operation: call.operation,
        calls: counts.get(key) ?? 1,
        verdict,
        detail,
        input: call.input,
      });
    }
    return { rows: [...rows.values()], ids: ids.entries() };
  } finally {
    destroyClients(clients);
  }
}
