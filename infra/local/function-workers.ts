import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SQSEvent } from 'aws-lambda';
import { FUNCTION_LIMITS, type FunctionLimits } from '@shared/config/function-limits';
import { FUNCTION_IDS, type FunctionId } from '@shared/config/resource-names';
import type { ApiHandler } from '@shared/http/http-stack';
import { logger } from '@shared/log/logger';
import type { SqsBatchHandler } from './ingest-queue';
import type { InvokeMessage, SerializedError, WorkerMessage, WorkerSetup } from './function-worker';

/**
 * How many execution environments one function gets at most on this machine. Lambda scales
 * out much further; two cores gain nothing past a few, and each costs a cold start.
 */
export const LOCAL_MAX_ENVIRONMENTS = 4;

const WORKER_ENTRY = fileURLToPath(new URL('./function-worker.ts', import.meta.url));
/** tsx's loader, so that a worker imports the TypeScript handlers as `npm start` does. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The invocation ran past the function's timeout; its environment was ended, as Lambda does. */
export class FunctionTimeoutError extends Error {
  readonly code = 'FunctionTimeout';
  override readonly name = 'FunctionTimeoutError';
}

/** The environment died under the invocation: out of memory, or an uncaught error. */
export class FunctionCrashedError extends Error {
  readonly code = 'FunctionCrashed';
  override readonly name = 'FunctionCrashedError';
}

export interface FunctionWorkersOptions {
  /** The environment variables every function sees, as Lambda's configuration sets them. */
  env: Record<string, string | undefined>;
  /** The module per function (default functions/<id>/handler.ts); tests swap in their own. */
  modules?: Partial<Record<FunctionId, string>>;
  /** Default FUNCTION_LIMITS, the numbers CDK deploys. */
  limits?: Partial<Record<FunctionId, FunctionLimits>>;
  maxEnvironments?: number;
}

export interface FunctionWorkers {
  /** Runs one invocation in an environment of the function; rejects as a Lambda error would. */
  invoke(functionId: FunctionId, event: unknown, requestId?: string): Promise<unknown>;
  apiHandler(functionId: FunctionId): ApiHandler;
  sqsHandler(functionId: FunctionId): SqsBatchHandler;
  /** Ends every environment; invocations under way fail. */
  stop(): Promise<void>;
}

function reviveError(error: SerializedError): Error {
  const revived = Object.assign(new Error(error.message), error.code && { code: error.code });
  revived.name = error.name;
  if (error.stack) revived.stack = error.stack;
  return revived;
}

interface Invocation {
  invocationId: number;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One execution environment: a worker thread with one function loaded, one invocation at a time. */
class Environment {
  readonly ready: Promise<void>;
  busy = true;
  /** Started ahead of any invocation; waiting invocations take it once it is ready. */
  warming = false;
  exited = false;
  private current: Invocation | undefined;
  private crashReason: string | undefined;
  private readonly worker: Worker;

  constructor(
    private readonly setup: WorkerSetup,
    env: Record<string, string | undefined>,
    private readonly onExit: (environment: Environment) => void,
  ) {
    this.worker = new Worker(WORKER_ENTRY, {
      workerData: setup,
      env,
      execArgv: ['--import', TSX_LOADER],
      // Lambda caps the whole environment at its memory size; the V8 heap is the part a
      // runaway handler grows, and the one a worker can be held to.
      resourceLimits: { maxOldGenerationSizeMb: setup.limits.memoryMb },
      name: `sesame-${setup.functionId}`,
    });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'ready') resolve();
        else if (message.kind === 'init-failed') {
          // What Lambda reports for a handler that cannot be loaded (Runtime.ImportModuleError).
          const cause = reviveError(message.error);
          reject(
            new FunctionCrashedError(`${setup.functionId} could not start: ${cause.message}`, {
              cause,
            }),
          );
          void this.worker.terminate();
        } else this.settle(message);
      });
      this.worker.once('exit', (code) => {
        this.exited = true;
        const reason = this.crashReason ?? `the environment exited with code ${code}`;
        reject(new FunctionCrashedError(`${setup.functionId} did not start: ${reason}`));
        this.fail(new FunctionCrashedError(`Runtime exited: ${reason}`));
        onExit(this);
      });
    });
    this.ready.catch(() => undefined);
    this.worker.on('error', (error: Error & { code?: string }) => {
      this.crashReason =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `out of memory (limit ${setup.limits.memoryMb} MB)`
          : `${error.name}: ${error.message}`;
    });
  }

  run(invocationId: number, message: Omit<InvokeMessage, 'invocationId'>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.exited) {
        reject(
          new FunctionCrashedError(`Runtime exited: ${this.crashReason ?? 'before the call'}`),
        );
        return;
      }
      const seconds = this.setup.limits.timeoutSeconds;
      const timer = setTimeout(() => {
        // Lambda's own wording; the environment is not reused after a timeout.
        this.fail(new FunctionTimeoutError(`Task timed out after ${seconds.toFixed(2)} seconds`));
        void this.terminate();
      }, seconds * 1000);
      this.current = { invocationId, resolve, reject, timer };
      this.worker.postMessage({ ...message, invocationId } satisfies InvokeMessage);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private settle(message: Extract<WorkerMessage, { invocationId: number }>): void {
    const current = this.current;
    if (!current || current.invocationId !== message.invocationId) return;
    clearTimeout(current.timer);
    this.current = undefined;
    if (message.kind === 'result') current.resolve(message.result);
    else current.reject(reviveError(message.error));
    this.busy = false;
    this.onIdle?.();
  }

  private fail(error: Error): void {
    const current = this.current;
    if (!current) return;
    clearTimeout(current.timer);
    this.current = undefined;
    current.reject(error);
  }

  /** Set by the pool: called whenever this environment can take the next invocation. */
  onIdle: (() => void) | undefined;
}

/**
 * Runs each function of the app isolated the way Lambda does: in its own execution
 * environments (worker threads), each with the function's heap limit, one invocation at a
 * time, cut off at the function's timeout. A busy or crashed function never stalls another,
 * nor the SMTP listener and the gateway on the main thread. One environment per function
 * starts (imports its handler) at once, in the background: the first invocation waits for it,
 * as for a Lambda cold start, and a handler that cannot load fails its invocations (502).
 */
export async function startFunctionWorkers(
  options: FunctionWorkersOptions,
): Promise<FunctionWorkers> {
  const maxEnvironments = options.maxEnvironments ?? LOCAL_MAX_ENVIRONMENTS;
  const pools = new Map<FunctionId, Environment[]>(FUNCTION_IDS.map((id) => [id, []]));
  const waiting = new Map<FunctionId, (() => void)[]>(FUNCTION_IDS.map((id) => [id, []]));
  let nextInvocationId = 0;
  let stopped = false;

  const setupOf = (functionId: FunctionId): WorkerSetup => ({
    functionId,
    modulePath:
      options.modules?.[functionId] ??
      fileURLToPath(new URL(`../../functions/${functionId}/handler.ts`, import.meta.url)),
    limits: options.limits?.[functionId] ?? FUNCTION_LIMITS[functionId],
  });

  const wakeOne = (functionId: FunctionId) => waiting.get(functionId)?.shift()?.();

  function spawn(functionId: FunctionId): Environment {
    const pool = pools.get(functionId) ?? [];
    const environment = new Environment(setupOf(functionId), options.env, (ended) => {
      const index = pool.indexOf(ended);
      if (index >= 0) pool.splice(index, 1);
      wakeOne(functionId);
    });
    environment.onIdle = () => wakeOne(functionId);
    pool.push(environment);
    return environment;
  }

  /** An idle environment of the function, a new one while under the cap, or the next free one. */
  async function acquire(functionId: FunctionId): Promise<Environment> {
    for (;;) {
      if (stopped) throw new FunctionCrashedError('the local runtime is stopping');
      const pool = pools.get(functionId) ?? [];
      const idle = pool.find((environment) => !environment.busy && !environment.exited);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      // A cold start under way will be free first; no second one for the same wait.
      const starting = pool.some((environment) => environment.warming);
      if (!starting && pool.length < maxEnvironments) {
        const environment = spawn(functionId);
        await environment.ready;
        return environment;
      }
      await new Promise<void>((resolve) => waiting.get(functionId)?.push(resolve));
    }
  }

  async function invoke(functionId: FunctionId, event: unknown, requestId: string = randomUUID()) {
    const environment = await acquire(functionId);
    return environment.run(++nextInvocationId, { requestId, event });
  }

  async function stop(): Promise<void> {
    stopped = true;
    const all = [...pools.values()].flat();
    for (const functionId of FUNCTION_IDS) {
      for (const wake of waiting.get(functionId)?.splice(0) ?? []) wake();
    }
    await Promise.all(all.map((environment) => environment.terminate()));
  }

  for (const functionId of FUNCTION_IDS) {
    const environment = spawn(functionId);
    environment.warming = true;
    environment.ready.then(
      () => {
        environment.warming = false;
        environment.busy = false;
        wakeOne(functionId);
      },
      (error: unknown) => {
        // Its exit already woke the next waiter, which starts a new one and gets the error.
        environment.warming = false;
        if (!stopped)
          logger.error('function could not start', { functionId, error: error as Error });
      },
    );
  }

  return {
    invoke,
    apiHandler: (functionId) => async (event, context) =>
      (await invoke(functionId, event, context.awsRequestId)) as Awaited<ReturnType<ApiHandler>>,
    sqsHandler: (functionId) => async (event: SQSEvent) =>
      (await invoke(functionId, event)) as Awaited<ReturnType<SqsBatchHandler>>,
    stop,
  };
}
