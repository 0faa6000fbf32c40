/**
 * The inside of one local execution environment (a worker thread, see function-workers.ts):
 * it imports one function's handler module, as a Lambda cold start does, then runs the
 * invocations the main thread hands it, one at a time, and posts back each outcome.
 */
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { FunctionLimits } from '@shared/config/function-limits';
import { lambdaContextFor } from './api-gateway-event';

export interface WorkerSetup {
  functionId: string;
  /** Absolute path of the module whose `handler` export is the function. */
  modulePath: string;
  limits: FunctionLimits;
}

/** Main thread -> worker. */
export interface InvokeMessage {
  invocationId: number;
  requestId: string;
  event: unknown;
}

/** A handler's error as it crosses the thread boundary: what the gateway and queue log. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

/** Worker -> main thread. */
export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'init-failed'; error: SerializedError }
  | { kind: 'result'; invocationId: number; result: unknown }
  | { kind: 'error'; invocationId: number; error: SerializedError };

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(error.stack !== undefined && { stack: error.stack }),
    ...(typeof code === 'string' && { code }),
  };
}

async function main(port: NonNullable<typeof parentPort>, setup: WorkerSetup): Promise<void> {
  let handler: Handler;
  try {
    const module = (await import(pathToFileURL(setup.modulePath).href)) as { handler?: unknown };
    if (typeof module.handler !== 'function') {
      throw new Error(`${setup.modulePath} has no exported function "handler"`);
    }
    handler = module.handler as Handler;
  } catch (error) {
    port.postMessage({ kind: 'init-failed', error: serializeError(error) } satisfies WorkerMessage);
    return;
  }
  port.on('message', (message: InvokeMessage) => {
    const context = lambdaContextFor(setup.functionId, message.requestId, setup.limits);
    handler(message.event, context).then(
      (result) =>
        port.postMessage({
          kind: 'result',
          invocationId: message.invocationId,
          result,
        } satisfies WorkerMessage),
      (error: unknown) =>
        port.postMessage({
          kind: 'error',
          invocationId: message.invocationId,
          error: serializeError(error),
        } satisfies WorkerMessage),
    );
  });
  port.postMessage({ kind: 'ready' } satisfies WorkerMessage);
}

// Only when started by function-workers.ts (which hands over a setup), never on a plain import.
const setup = workerData as WorkerSetup | null;
if (parentPort && setup?.modulePath) await main(parentPort, setup);
