import { type App, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageGraphStack } from './image-graph-stack.ts';
import { MIN_REASON_LENGTH } from './nag.ts';
import { bundleResolvers } from './resolver-bundles.ts';
import type { ImageGraphStackProps } from './stack-props.ts';
import { createTestStack } from './testing.ts';

// cdk-nag 3 is a CDK policy-validation plugin: findings are not annotations any more but a report,
// and acknowledgements are Validations.of(scope).acknowledge(). validateScope() runs the pack
// directly and returns every finding that no acknowledgement covers, errors and warnings alike.

interface Violation {
  ruleName: string;
  severity: string;
  violatingResources: { constructPath?: string }[];
}

function unacknowledged(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return (report.violations as Violation[]).flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath ?? '?'}`),
  );
}

/** Every finding, acknowledged or not (the pack's acknowledgement lookup switched off). */
function allFindings(scope: IConstruct): Violation[] {
  const pack = new AwsSolutionsChecks();
  (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return pack.validateScope(scope).violations as Violation[];
}

interface Ack {
  path: string;
  id: string;
  reason: string;
}

function acknowledgements(scope: IConstruct): Ack[] {
  return scope.node.findAll().flatMap((node) =>
    node.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: node.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

const resolvers = bundleResolvers();
const build = (props: ImageGraphStackProps = {}) => createTestStack({ ...props, resolvers }, { bundle: false });

describe('cdk-nag AwsSolutions', () => {
  let app: App;
  let stack: ImageGraphStack;

  beforeAll(() => {
    ({ app, stack } = build());
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }, 60_000);

  it('leaves no unacknowledged errors or warnings', () => {
    expect(unacknowledged(stack)).toEqual([]);
  });

  it('synthesizes with the checks registered as a validation plugin, as app.ts does', () => {
    // An in-memory synth throws when a validation plugin reports an unacknowledged error.
    expect(() => app.synth()).not.toThrow();
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
  });

  it('gives every acknowledgement a reason', () => {
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect({ ...ack, long: ack.reason.trim().length >= MIN_REASON_LENGTH }).toMatchObject({ long: true });
    }
  });

  it('acknowledges only findings that exist, where they occur', () => {
    const findings = allFindings(stack);
    const stale = acknowledgements(stack).filter(
      (ack) =>
        !findings.some(
          (f) =>
            f.ruleName === ack.id &&
            f.violatingResources.some(
              (r) => r.constructPath === ack.path || r.constructPath?.startsWith(`${ack.path}/`),
            ),
        ),
    );
    expect(stale).toEqual([]);
  });

  it.each([
    ['Cognito threat protection on', { threatProtection: true }, 'AwsSolutions-COG8'],
    ['two zone-aware search nodes', { searchInstanceCount: 2, searchAvailabilityZones: 2 }, 'AwsSolutions-OS7'],
    ['dedicated search masters', { searchDedicatedMasterCount: 3 }, 'AwsSolutions-OS4'],
    ['the production preset (zones)', { preset: 'production' }, 'AwsSolutions-OS7'],
    ['the production preset (masters)', { preset: 'production' }, 'AwsSolutions-OS4'],
  ] as const)('stays clean with %s, without the acknowledgement that setting makes moot', (_name, props, id) => {
    const variant = build(props).stack;
    expect(unacknowledged(variant)).toEqual([]);
    expect(acknowledgements(variant).map((ack) => ack.id)).not.toContain(id);
  });
});
