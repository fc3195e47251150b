/**
 * The CDK app (cdk.json runs it with tsx). Environment-agnostic unless CDK_DEFAULT_REGION is set,
 * so synth never needs credentials or account lookups.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ImageGraphStack } from './image-graph-stack.ts';
import { presetNamed } from './stack-props.ts';

const app = new App();
const region = process.env.CDK_DEFAULT_REGION;

new ImageGraphStack(app, 'ImageGraph', {
  description: 'ImageGraph: serverless image pipeline with a GraphQL API',
  env: region ? { region } : undefined,
  // "dev" unless cdk.json's context or `-c preset=production` says otherwise (stack-props.ts).
  preset: presetNamed(app.node.tryGetContext('preset')),
});

// cdk-nag 3 runs as a policy-validation plugin: unacknowledged findings fail synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

app.synth();
