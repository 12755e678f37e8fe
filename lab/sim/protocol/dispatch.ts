/**
 * The one path every call takes, in-process (handler.ts) or over HTTP
 * (server.ts): find the service and operation, apply faults, run the
 * operation, record the call, and answer in the service's wire protocol.
 */
import { randomUUID } from 'node:crypto';
import type { Faults } from '../faults.js';
import type { Recorder } from '../recorder.js';
import { AwsError, type ServiceOperations, type SimClock } from '../types.js';
import { jsonBody, parseJsonInput } from './json.js';
import { parseQueryBody } from './query.js';
import { REST_ROUTES, routeRest } from './rest.js';
import { SERVICES, type ServiceWire } from './services.js';
import { restXmlResult, xmlError, xmlResult } from './xml.js';

export interface WireRequest {
  method: string;
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** `reset`: the transport must drop the connection without an answer. */
export type DispatchResult = { kind: 'response'; response: WireResponse } | { kind: 'reset' };

export interface DispatchDeps {
  clock: SimClock;
  region: string;
  account: string;
  services: Record<string, ServiceOperations>;
  recorder: Recorder;
  faults: Faults;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const SCOPE = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

interface Identified {
  wire: ServiceWire;
  region: string | undefined;
}

/** The credential scope names the service; the target prefix is the fallback for unsigned calls. */
function identify(req: WireRequest): Identified | undefined {
  const scope = SCOPE.exec(req.headers.authorization ?? '');
  if (scope) {
    const wire = SERVICES[scope[2] as string];
    return wire ? { wire, region: scope[1] } : undefined;
  }
  const target = req.headers['x-amz-target'];
  if (target) {
    const prefix = target.slice(0, target.lastIndexOf('.'));
    const wire = Object.values(SERVICES).find((s) => s.targetPrefix === prefix);
    return wire ? { wire, region: undefined } : undefined;
  }
  return undefined;
}

function errorResponse(wire: ServiceWire | undefined, err: AwsError, requestId: string): WireResponse {
  if (wire?.protocol === 'query' || wire?.protocol === 'rest-xml') {
    return {
      status: err.status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: xmlError({
        code: err.code,
        message: err.message,
        fault: err.fault,
        requestId,
        xmlns: wire.xmlns,
      }),
    };
  }
  const headers: Record<string, string> = {
    'content-type': `application/x-amz-json-${wire?.jsonVersion ?? '1.1'}`,
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': err.code,
  };
  if (wire?.queryCompatible)
    headers['x-amzn-query-error'] = `${err.code};${err.fault === 'server' ? 'Receiver' : 'Sender'}`;
  return { status: err.status, headers, body: JSON.stringify({ __type: err.code, message: err.message }) };
}

/** The error an injected fault answers with, spelled as each protocol's services spell it. */
function faultError(kind: string, wire: ServiceWire, status: 500 | 503 | undefined): AwsError {
  const query = wire.protocol !== 'json';
  switch (kind) {
    case 'throttle':
      return new AwsError(query ? 'Throttling' : 'ThrottlingException', 'Rate exceeded', 400);
    case 'expired-credentials':
      return new AwsError(
        query ? 'ExpiredToken' : 'ExpiredTokenException',
        'The security token included in the request is expired',
        400,
      );
    default:
      return status === 503
        ? new AwsError('ServiceUnavailable', 'Service is unavailable. Please try again later.', 503)
        : new AwsError(
            'InternalFailure',
            'The request processing has failed because of an unknown error.',
            500,
          );
  }
}

interface ParsedCall {
  operation: string;
  input: Record<string, unknown>;
}

function parseCall(wire: ServiceWire, req: WireRequest): ParsedCall {
  if (wire.protocol === 'rest-xml') {
    const routed = routeRest(REST_ROUTES[wire.signingName] ?? [], req.method, req.path);
    if (!routed)
      throw new AwsError('UnknownOperationException', `No route for ${req.method} ${req.path}.`, 404);
    return routed;
  }
  if (wire.protocol === 'query') {
    const { action, input } = parseQueryBody(req.body);
    if (!action) throw new AwsError('MissingAction', 'The request must contain the parameter Action.');
    return { operation: action, input };
  }
  const target = req.headers['x-amz-target'] ?? '';
  const dot = target.lastIndexOf('.');
  if (dot < 0 || target.slice(0, dot) !== wire.targetPrefix) {
    throw new AwsError('UnknownOperationException', `Unknown target: ${target || '(none)'}.`);
  }
  try {
    return { operation: target.slice(dot + 1), input: parseJsonInput(req.body) };
  } catch (e) {
    throw new AwsError('SerializationException', e instanceof Error ? e.message : 'Malformed JSON body.');
  }
}

function unknownOperation(wire: ServiceWire, operation: string): AwsError {
  return wire.protocol !== 'json'
    ? new AwsError('InvalidAction', `Could not find operation ${operation} for ${wire.signingName}.`)
    : new AwsError('UnknownOperationException', `Unknown operation ${operation}.`);
}

function asAwsError(e: unknown): AwsError {
  if (e instanceof AwsError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new AwsError('InternalFailure', `Simulator error: ${message}`, 500);
}

/** An operation's output in the service's wire protocol. */
function successResponse(
  wire: ServiceWire,
  operation: string,
  output: unknown,
  requestId: string,
): WireResponse {
  const xml = { xmlns: wire.xmlns, requestId, listMembers: wire.listMembers };
  if (wire.protocol === 'query') {
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: xmlResult(operation, output, xml),
    };
  }
  if (wire.protocol === 'rest-xml') {
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: restXmlResult(operation, output, xml),
    };
  }
  return {
    status: 200,
    headers: {
      'content-type': `application/x-amz-json-${wire.jsonVersion ?? '1.1'}`,
      'x-amzn-requestid': requestId,
    },
    body: jsonBody(output),
  };
}

export async function dispatch(
  deps: DispatchDeps,
  req: WireRequest,
  signal?: AbortSignal,
): Promise<DispatchResult> {
  const requestId = randomUUID();
  const identified = identify(req);
  if (!identified) {
    const err = new AwsError(
      'UnrecognizedClientException',
      'The lab cannot tell which service this request is for.',
    );
    return { kind: 'response', response: errorResponse(undefined, err, requestId) };
  }
  const { wire } = identified;
  let call: ParsedCall;
  try {
    call = parseCall(wire, req);
  } catch (e) {
    return { kind: 'response', response: errorResponse(wire, asAwsError(e), requestId) };
  }
  const at = deps.clock.now();
  const base = {
    at,
    service: wire.signingName,
    operation: call.operation,
    input: structuredClone(call.input),
  };

  const plan = deps.faults.plan(wire.signingName, call.operation, call.input);
  if (plan.delayMs > 0) await deps.sleep(plan.delayMs, plan.landsAnyway ? undefined : signal);
  if (plan.until) await Promise.all(plan.until);
  if (plan.terminal) {
    if (plan.terminal.kind === 'reset') {
      deps.recorder.record({
        ...base,
        error: { code: 'ECONNRESET', message: 'connection reset by the lab', status: 0, fault: 'reset' },
      });
      return { kind: 'reset' };
    }
    const err = faultError(plan.terminal.kind, wire, plan.terminal.status);
    deps.recorder.record({
      ...base,
      error: { code: err.code, message: err.message, status: err.status, fault: plan.terminal.kind },
    });
    return { kind: 'response', response: errorResponse(wire, err, requestId) };
  }

  const operation = deps.services[wire.signingName]?.[call.operation];
  try {
    if (!operation) throw unknownOperation(wire, call.operation);
    const output = await operation(call.input, {
      now: deps.clock.now(),
      region: identified.region ?? deps.region,
      account: deps.account,
      service: wire.signingName,
      operation: call.operation,
    });
    deps.recorder.record({ ...base, output: structuredClone(output) });
    const response = successResponse(wire, call.operation, output, requestId);
    return { kind: 'response', response };
  } catch (e) {
    const err = asAwsError(e);
    deps.recorder.record({ ...base, error: { code: err.code, message: err.message, status: err.status } });
    return { kind: 'response', response: errorResponse(wire, err, requestId) };
  }
}
