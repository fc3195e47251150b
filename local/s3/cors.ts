/**
 * S3's CORS evaluation for the bucket's rules: the first rule matching the origin, the method and
 * (for preflights) every requested header decides the response headers.
 */
import { IMAGES_CORS_RULE } from '../../infra/constructs/storage.ts';
import { errors } from './s3-error.ts';

export interface CorsRule {
  allowedOrigins: readonly string[];
  allowedMethods: readonly string[];
  allowedHeaders: readonly string[];
  exposedHeaders: readonly string[];
  maxAge?: number;
}

/** The deployed bucket's rules for these origins. */
export function bucketCorsRules(origins: readonly string[]): CorsRule[] {
  return [
    {
      allowedOrigins: origins,
      allowedMethods: IMAGES_CORS_RULE.allowedMethods ?? [],
      allowedHeaders: IMAGES_CORS_RULE.allowedHeaders ?? [],
      exposedHeaders: IMAGES_CORS_RULE.exposedHeaders ?? [],
      maxAge: IMAGES_CORS_RULE.maxAge,
    },
  ];
}

/** The answer to an OPTIONS preflight; throws S3's 400 or 403 when no rule allows it. */
export function preflight(
  rules: readonly CorsRule[],
  request: { origin: string | undefined; method: string | undefined; headers: string | undefined },
): Record<string, string> {
  if (!request.origin) throw errors.corsBadRequest('Insufficient information. Origin request header needed.');
  if (!request.method) throw errors.corsBadRequest('Invalid Access-Control-Request-Method: null');
  const requested = (request.headers ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const { origin, method } = request;
  const rule = rules.find(
    (candidate) =>
      allows(candidate, origin, method) &&
      requested.every((name) => candidate.allowedHeaders.some((pattern) => wildcard(pattern.toLowerCase(), name))),
  );
  if (!rule) throw errors.corsForbidden(method);
  return {
    ...ruleHeaders(rule, origin),
    ...(requested.length > 0 ? { 'access-control-allow-headers': requested.join(', ') } : {}),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
}

/** The CORS headers of an actual request's response; none when no rule allows it. */
export function corsHeaders(rules: readonly CorsRule[], request: { origin: string | undefined; method: string }): Record<string, string> {
  const { origin } = request;
  if (!origin) return {};
  const rule = rules.find((candidate) => allows(candidate, origin, request.method));
  if (!rule) return {};
  return { ...ruleHeaders(rule, origin), vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method' };
}

/** Whether a browser request from `origin` with `method` matches a rule (its preflight would pass). */
export function allowsRequest(rules: readonly CorsRule[], origin: string, method: string): boolean {
  return rules.some((rule) => allows(rule, origin, method));
}

function allows(rule: CorsRule, origin: string, method: string): boolean {
  return rule.allowedOrigins.some((pattern) => wildcard(pattern, origin)) && rule.allowedMethods.includes(method);
}

function ruleHeaders(rule: CorsRule, origin: string): Record<string, string> {
  const anyOrigin = rule.allowedOrigins.includes('*');
  return {
    'access-control-allow-origin': anyOrigin ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    ...(rule.exposedHeaders.length > 0 ? { 'access-control-expose-headers': rule.exposedHeaders.join(', ') } : {}),
    ...(rule.maxAge === undefined ? {} : { 'access-control-max-age': String(rule.maxAge) }),
    ...(anyOrigin ? {} : { 'access-control-allow-credentials': 'true' }),
  };
}

/** S3 patterns allow one '*' matching any run of characters. */
function wildcard(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === value;
  const [head, tail] = [pattern.slice(0, star), pattern.slice(star + 1)];
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}
