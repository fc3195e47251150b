import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { REPO_ROOT, repoPath } from '../paths.ts';

export interface NodeFunctionProps {
  /** The handler module, relative to the repository root; it must export `handler`. */
  entry: string;
  description: string;
  timeout?: Duration;
  memorySize?: number;
  environment?: Record<string, string>;
}

/** The Lambda runtime every function uses; named once so tests and nag reasons can refer to it. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_22_X;

/**
 * A TypeScript Lambda as every function in this project is built: Node.js 22 on Graviton, X-Ray
 * active, bundled to ESM by the local esbuild, with its own log group and a role that starts with
 * nothing but write access to that log group (no AWSLambdaBasicExecutionRole, which allows
 * writing to every log group in the account).
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
        // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        // Never fall back to Docker: synth must work offline with the esbuild from node_modules.
        forceDockerBundling: false,
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
}
