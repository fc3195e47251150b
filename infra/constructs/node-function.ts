import { AssetStaging, Duration, Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import path from 'node:path';
import { acknowledge } from '../nag.ts';
import { REPO_ROOT, repoPath } from '../paths.ts';

export interface NodeFunctionProps {
  /** The handler module, relative to the repository root; it must export `handler`. */
  entry: string;
  description: string;
  timeout?: Duration;
  memorySize?: number;
  /** Concurrency reserved for (and the most allowed to) this function; unreserved when omitted. */
  reservedConcurrentExecutions?: number;
  environment?: Record<string, string>;
  /**
   * Packages npm installs into the bundle's node_modules instead of esbuild inlining them: native
   * modules such as sharp. They are installed by `npm ci` at the versions package-lock.json pins,
   * as the builds for the Lambda platform (see LAMBDA_NPM_ENVIRONMENT), from the npm registry.
   */
  nodeModules?: string[];
}

/** The Lambda runtime every function uses; named once so tests and nag reasons can refer to it. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_22_X;

/**
 * npm configuration for installing `nodeModules` into a bundle: optional dependencies are chosen
 * for the Lambda platform (Linux, arm64, glibc) rather than the machine running synth, so native
 * modules get the prebuilt binaries Lambda loads and no others. No install scripts run (the
 * prebuilt packages need none), and packages already in the npm cache are used without asking the
 * registry again.
 */
export const LAMBDA_NPM_ENVIRONMENT: Readonly<Record<string, string>> = Object.freeze({
  npm_config_os: 'linux',
  npm_config_cpu: 'arm64',
  npm_config_libc: 'glibc',
  npm_config_ignore_scripts: 'true',
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
});

/** A shell command deleting `file` in `dir`, the same under bash and cmd (Node does the work). */
function removeFileCommand(dir: string, file: string): string {
  return `node -e "require('node:fs').rmSync(process.argv[1], { force: true })" "${path.join(dir, file)}"`;
}

/**
 * A TypeScript Lambda as every function in this project is built: Node.js 22 on Graviton, X-Ray
 * active, bundled to ESM by the local esbuild, with its own log group and a role that starts with
 * nothing but write access to that log group (no AWSLambdaBasicExecutionRole, which allows
 * writing to every log group in the account). Packages in `nodeModules` are installed by npm for
 * linux-arm64 next to the bundle.
 */
export class NodeFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.entry}`,
    });
    this.logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Handler', {
      entry: repoPath(props.entry),
      handler: 'handler',
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 512,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      projectRoot: REPO_ROOT,
      depsLockFilePath: repoPath('package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        // The Node.js runtime ships AWS SDK v3; bundling it would only grow cold starts.
        externalModules: ['@aws-sdk/*'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins, and
        // some read __dirname (libheif-js's Emscripten loader does, even with its wasm inlined).
        banner:
          "import { createRequire } from 'node:module'; import { dirname as __bannerDirname } from 'node:path'; import { fileURLToPath as __bannerFileURLToPath } from 'node:url';" +
          ' const require = createRequire(import.meta.url); const __filename = __bannerFileURLToPath(import.meta.url); const __dirname = __bannerDirname(__filename);',

        // Never fall back to Docker: synth must work offline with the esbuild from node_modules.
        forceDockerBundling: false,
        ...(props.nodeModules?.length
          ? {
              nodeModules: props.nodeModules,
              environment: { ...LAMBDA_NPM_ENVIRONMENT },
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                // npm ci needs the project's lock file in the bundle; the function does not.
                afterBundling: (_inputDir: string, outputDir: string) => [
                  removeFileCommand(outputDir, 'package-lock.json'),
                ],
              },
            }
          : {}),
      },
    });

    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions, so their Resource is "*".',
    );
    acknowledge(
      this.fn,
      'AwsSolutions-L1',
      `Pinned to ${FUNCTION_RUNTIME.name}, the runtime this project targets and tests (esbuild target node22, Node 20+ tooling); moving to a newer runtime is a deliberate upgrade, not a synth-time default.`,
    );
  }

  /**
   * The directory holding the bundled code in the cloud assembly, or undefined when this stack's
   * bundling is skipped (context `aws:cdk:bundling-stacks`, as in tests).
   */
  get bundleDirectory(): string | undefined {
    if (!Stack.of(this).bundlingRequired) return undefined;
    const staging = this.fn.node.tryFindChild('Code')?.node.tryFindChild('Stage');
    return staging instanceof AssetStaging ? staging.absoluteStagedPath : undefined;
  }
}
