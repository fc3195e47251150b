/**
 * cdk-nag 3 acknowledgements (its replacement for v2's NagSuppressions), with the checks v2 made:
 * every acknowledgement carries a real reason.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** cdk-nag 2 refused shorter reasons; v3 checks nothing, so this does. */
export const MIN_REASON_LENGTH = 10;

/** Acknowledges one cdk-nag finding on `scope` and everything below it, with why. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(
      `The acknowledgement of ${id} at ${scope.node.path} needs a reason of at least ${MIN_REASON_LENGTH} characters`,
    );
  }
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The AwsSolutions-IAM5 finding id for a wildcard resource, written the way cdk-nag writes it
 * (`Resource::<LogicalId.Arn>/uploads/*`), so an acknowledgement names exactly one resource
 * pattern rather than every wildcard on the role.
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

/** The AwsSolutions-IAM5 finding id for a wildcard action such as `s3:GetObject*`. */
export function wildcardActionFinding(action: string): string {
  return `AwsSolutions-IAM5[Action::${action}]`;
}

// Mirrors cdk-nag's flattenCfnReference: Fn::Join joined, Fn::GetAtt as <Id.Attr>, Ref as <Id>.
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const fn = node as Record<string, unknown>;
    if (Array.isArray(fn['Fn::Join'])) {
      const [delimiter, items] = fn['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (fn['Fn::Sub'] !== undefined) return flatten(fn['Fn::Sub']);
    if (Array.isArray(fn['Fn::GetAtt'])) {
      const [resource, attribute] = fn['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (fn['Fn::ImportValue'] !== undefined) return flatten(fn['Fn::ImportValue']);
    if (fn.Ref !== undefined) return `<${flatten(fn.Ref)}>`;
  }
  return JSON.stringify(node);
}
