/**
 * Replays a captured release against moto_server: seed moto like the lab was
 * seeded, pair the two worlds' ids, then send each distinct request shape
 * through the real SDK clients and judge moto's answer.
 */
import type { RecordedCall } from '../sim/recorder.js';
import { destroyClients, motoClients } from './clients.js';
import {
  dedupeCalls,
  type ErrorFacts,
  IdMap,
  judge,
  type KnownDifference,
  pythonException,
  type ReportRow,
  shapeKey,
} from './replay.js';
import { type AwsCall, sendCall } from './sdk-call.js';
import { LAB_NETWORK, motoNetwork, type SeedStep, seedWorld } from './seed.js';
import type { MotoServer } from './server.js';

export type MotoEndpoint = Pick<MotoServer, 'url' | 'mark' | 'outputSince'>;

/**
 * Where the lab and moto answer the same well-formed request differently, and
 * why that says nothing about the request. Keep this list short and specific.
 */
export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [];

/**
 * What moto's acceptance cannot show, by operation (MACHINE-NOTES): for these
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

/**
 * Resources the lab makes as a side effect and moto does not: the lab's ECS
 * writes a task's awslogs stream, moto's ECS runs nothing. Created in moto just
 * before the call that reads them.
 */
async function prepare(clients: ReturnType<typeof motoClients>, call: AwsCall): Promise<void> {
  if (call.service === 'logs' && call.operation === 'GetLogEvents') {
    const logGroupName = String(call.input.logGroupName);
    const logStreamName = String(call.input.logStreamName);
    await sendCall(clients, {
      service: 'logs',
      operation: 'CreateLogStream',
      input: { logGroupName, logStreamName },
    }).catch((e: unknown) => {
      if (errorFacts(e).code !== 'ResourceAlreadyExistsException') throw e;
    });
  }
}

/** moto's bare 500s (HTML the SDK cannot parse) are explained by the traceback moto printed for them. */
async function explainServerError(error: ErrorFacts, output: () => string): Promise<ErrorFacts> {
  const bare =
    (error.status ?? 500) >= 500 || /not valid JSON|<!doctype|Unexpected token/i.test(error.message);
  if (!bare) return error;
  // The traceback reaches our pipe a moment after the answer reaches the socket.
  await new Promise((r) => setTimeout(r, 150));
  return pythonException(output()) ?? error;
}

export async function replayAgainstMoto(
  capture: { calls: readonly RecordedCall[]; seed: readonly SeedStep[] },
  moto: MotoEndpoint,
  known: readonly KnownDifference[] = KNOWN_DIFFERENCES,
): Promise<ReplayResult> {
  const { url } = moto;
  const clients = motoClients(url);
  try {
    const network = await motoNetwork(url);
    const seeded = await seedWorld((call) => sendCall(clients, call), network);
    const ids = new IdMap();
    ids.add(LAB_NETWORK.vpcId, network.vpcId);
    for (const key of ['subnets', 'securityGroups'] as const) {
      for (const [i, labId] of LAB_NETWORK[key].entries()) ids.add(labId, network[key][i] ?? labId);
    }
    capture.seed.forEach((step, i) => {
      ids.learn(step.output, seeded[i]?.output);
    });

    const counts = new Map<string, number>();
    for (const c of capture.calls) counts.set(shapeKey(c), (counts.get(shapeKey(c)) ?? 0) + 1);
    const rows: ReportRow[] = [];
    for (const recorded of dedupeCalls(capture.calls)) {
      const key = shapeKey(recorded);
      const call: AwsCall = {
        service: recorded.service,
        operation: recorded.operation,
        input: ids.rewrite(recorded.input),
      };
      let motoError: ErrorFacts | undefined;
      const mark = moto.mark();
      try {
        await prepare(clients, call);
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
      rows.push({
        service: call.service,
        operation: call.operation,
        calls: counts.get(key) ?? 1,
        verdict,
        detail,
        input: call.input,
      });
    }
    return { rows, ids: ids.entries() };
  } finally {
    destroyClients(clients);
  }
}
