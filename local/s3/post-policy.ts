/**
 * Verification of a browser-based POST upload (presigned POST) as S3 does it: the SigV4 signature
 * of the policy, its expiration, every condition (eq, starts-with, content-length-range), and that
 * every submitted field is covered by some condition. Pure: the server hands in the form fields
 * that came before the file and the file's name, and enforces the size range while streaming.
 */
import { errors } from './s3-error.ts';
import { parseAmzDate, sameHex } from '../sigv4.ts';
import { type AuthConfig, checkCredential, signer } from './sigv4.ts';

export interface PostUpload {
  /** The object key, with `${filename}` replaced. */
  key: string;
  /** Fields by lower-case name (S3 treats form field names case-insensitively). */
  fields: Map<string, string>;
  /** Inclusive bounds of the file's size; 0 and Infinity when the policy sets none. */
  minBytes: number;
  maxBytes: number;
}

type Condition = { operator: 'eq' | 'starts-with'; field: string; value: string; text: string } | { operator: 'content-length-range'; min: number; max: number };

/** Form fields that no condition needs to cover. */
const UNCOVERED = new Set(['x-amz-signature', 'file', 'policy']);

export async function verifyPostPolicy(
  formFields: Array<[string, string]>,
  context: { bucket: string; fileName: string; config: AuthConfig; now?: Date },
): Promise<PostUpload> {
  const now = context.now ?? new Date();
  const fields = new Map(formFields.map(([name, value]) => [name.toLowerCase(), value]));
  const required = (name: string) => {
    const value = fields.get(name);
    if (value === undefined) {
      throw errors.invalidArgument(`Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`, {
        ArgumentName: name,
        ArgumentValue: '',
      });
    }
    return value;
  };
  const rawKey = required('key');
  // Without a policy the upload is anonymous, which a private bucket refuses.
  if (!fields.has('policy')) throw errors.accessDenied();
  const policy = required('policy');
  const algorithm = required('x-amz-algorithm');
  const credential = required('x-amz-credential');
  const amzDate = required('x-amz-date');
  const signature = required('x-amz-signature');
  if (algorithm !== 'AWS4-HMAC-SHA256') throw errors.invalidArgument('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) throw errors.invalidArgument("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  const scope = checkCredential(credential, signingDate, context.config, errors.invalidArgument, 'Error parsing the X-Amz-Credential parameter;');
  const expected = await signer(context.config, scope.region).sign(policy, { signingDate, signingRegion: scope.region, signingService: 's3' });
  if (!sameHex(expected, signature)) throw errors.signatureDoesNotMatch(scope.accessKeyId);

  const document = parsePolicy(policy);
  if (now.getTime() > document.expiration.getTime()) throw errors.policyViolation('Policy expired.');

  const key = rawKey.replace(/\$\{filename\}/g, context.fileName);
  const values = new Map(fields);
  values.set('key', key);
  values.set('bucket', context.bucket);
  let minBytes = 0;
  let maxBytes = Infinity;
  const covered = new Set<string>();
  for (const condition of document.conditions) {
    if (condition.operator === 'content-length-range') {
      minBytes = Math.max(minBytes, condition.min);
      maxBytes = Math.min(maxBytes, condition.max);
      continue;
    }
    covered.add(condition.field);
    const actual = values.get(condition.field);
    if (actual === undefined || !satisfies(condition.operator, condition.field, actual, condition.value)) {
      throw errors.policyViolation(`Policy Condition failed: ${condition.text}`);
    }
  }
  const extra = [...fields.keys()].filter((name) => !UNCOVERED.has(name) && !name.startsWith('x-ignore-') && !covered.has(name));
  if (extra.length > 0) throw errors.policyViolation(`Extra input fields: ${extra.join(', ')}`);
  return { key, fields, minBytes, maxBytes };
}

function satisfies(operator: 'eq' | 'starts-with', field: string, actual: string, expected: string): boolean {
  if (operator === 'eq') return actual === expected;
  // A Content-Type may list several types; each must match.
  const values = field === 'content-type' ? actual.split(',').map((part) => part.trim()) : [actual];
  return values.every((value) => value.startsWith(expected));
}

function parsePolicy(policy: string): { expiration: Date; conditions: Condition[] } {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8'));
  } catch {
    throw errors.invalidPolicyDocument('Invalid Policy: Invalid JSON.');
  }
  const { expiration, conditions } = (document ?? {}) as { expiration?: unknown; conditions?: unknown };
  if (typeof expiration !== 'string') throw errors.invalidPolicyDocument('Invalid Policy: Policy missing expiration.');
  const expires = new Date(expiration);
  if (Number.isNaN(expires.getTime())) throw errors.invalidPolicyDocument(`Invalid Policy: Invalid 'expiration' value: '${expiration}'`);
  if (!Array.isArray(conditions)) throw errors.invalidPolicyDocument('Invalid Policy: Policy missing conditions.');
  return { expiration: expires, conditions: conditions.map(parseCondition) };
}

function parseCondition(condition: unknown): Condition {
  const invalid = () => errors.invalidPolicyDocument(`Invalid Policy: Invalid Condition: ${JSON.stringify(condition)}`);
  if (Array.isArray(condition)) {
    const [operator, first, second] = condition as unknown[];
    if (condition.length !== 3 || typeof operator !== 'string') throw invalid();
    const name = operator.toLowerCase();
    if (name === 'content-length-range') {
      const [min, max] = [Number(first), Number(second)];
      if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) throw invalid();
      return { operator: name, min, max };
    }
    if ((name !== 'eq' && name !== 'starts-with') || typeof first !== 'string' || !first.startsWith('$') || typeof second !== 'string') throw invalid();
    return { operator: name, field: first.slice(1).toLowerCase(), value: second, text: conditionText(operator, first, second) };
  }
  if (typeof condition === 'object' && condition !== null) {
    const entries = Object.entries(condition);
    const [entry] = entries;
    if (entries.length !== 1 || !entry || typeof entry[1] !== 'string') throw invalid();
    const [field, value] = entry as [string, string];
    return { operator: 'eq', field: field.toLowerCase(), value, text: conditionText('eq', `$${field}`, value) };
  }
  throw invalid();
}

/** A condition the way S3 quotes it in errors: `["eq", "$key", "value"]`. */
function conditionText(...parts: string[]): string {
  return `[${parts.map((part) => JSON.stringify(part)).join(', ')}]`;
}
