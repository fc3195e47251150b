/**
 * Helpers for the infra tests: an App with the same feature flags `cdk synth` uses, so tests
 * assert on the template that would deploy.
 */
import { App } from 'aws-cdk-lib';
import { readFileSync } from 'node:fs';
import { ImageGraphStack, type ImageGraphStackOptions } from './image-graph-stack.ts';
import { repoPath } from './paths.ts';

export interface TestAppOptions {
  /**
   * Bundle the Lambda code: esbuild for every function and `npm ci` of sharp for the processing
   * function, which needs the npm registry or cache and takes seconds. Off by default: tests that
   * inspect the template do not need the code, and `npm run synth` bundles for real.
   */
  bundle?: boolean;
}

/** The context from cdk.json (feature flags), which the CLI passes and `new App()` would not. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

export function createTestApp(options: TestAppOptions = {}): App {
  const context = cdkJsonContext();
  // An empty bundling-stacks list makes CDK skip asset bundling for every stack.
  if (!options.bundle) context['aws:cdk:bundling-stacks'] = [];
  return new App({ context });
}

/** A fresh app with one ImageGraph stack, in a fixed region so ARNs are readable. */
export function createTestStack(
  props: ImageGraphStackOptions = {},
  options: TestAppOptions = {},
): { app: App; stack: ImageGraphStack } {
  const app = createTestApp(options);
  const stack = new ImageGraphStack(app, 'ImageGraphTest', { env: { region: 'eu-west-1' }, ...props });
  return { app, stack };
}
