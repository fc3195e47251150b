/**
 * The GraphQL SDL that AWS AppSync's schema parser accepts, and the transformation from our schema
 * to it. A construct outside this subset fails the whole deploy with only "Failed to parse schema
 * document - ensure it's a valid SDL-formatted document", so synth checks it first.
 *
 * AppSync's parser lags the GraphQL spec and AWS documents no grammar; the subset is what AWS and
 * the people deploying to it report:
 * - Block-string (`"""`) descriptions: refused (aws-appsync-community#38, open since 2019; Amplify
 *   closed its request as a service limitation in 2024; serverless-appsync-plugin documents them
 *   as unsupported). One 2023 comment reports they now work: not enough to bet a deploy on. Single-
 *   line string descriptions carry the same text (newlines as `\n` escapes) and are what introspection,
 *   and so the console's query editor, shows.
 * - A description on the `schema` definition and interfaces implementing interfaces: GraphQL
 *   October 2021 features, newer than anything AppSync is reported to parse.
 * - More than one implemented interface: AppSync parsed only the legacy comma list
 *   (serverless-appsync-plugin docs), which graphql-js 16 (codegen, the local AppSync) cannot parse,
 *   so no spelling works for both.
 * - Directive definitions ("Directive definitions are not supported.", awslabs/graphql-schema-
 *   utilities#25) and scalar definitions: AppSync declares its own (schema/appsync-directives.graphql)
 *   and refuses redeclarations and custom scalars.
 * - Type system extensions (`extend type`): not supported (serverless-appsync-plugin merges them
 *   away for that reason).
 * Directives must be AppSync's, where AppSync allows them, and the schema must be valid SDL.
 */
import { readFileSync } from 'node:fs';
import {
  type ASTNode,
  buildASTSchema,
  type DocumentNode,
  GraphQLError,
  Kind,
  type Location,
  parse,
  print,
  type StringValueNode,
  validateSchema,
  visit,
} from 'graphql';
import { repoPath } from './paths.ts';

/** One construct outside AppSync's SDL, where it is (1-based; 0 when the problem has no place). */
export interface AppSyncSdlProblem {
  line: number;
  column: number;
  message: string;
  /** toAppSyncSdl rewrites these; the others need an edit of the schema. */
  rewritable: boolean;
}

/** AppSync's built-in scalars and directives, which it declares itself (for validation only). */
const APPSYNC_BUILTINS: DocumentNode = parse(readFileSync(repoPath('schema/appsync-directives.graphql'), 'utf8'));

const EXTENSION_KINDS: ReadonlySet<string> = new Set([
  Kind.SCHEMA_EXTENSION,
  Kind.SCALAR_TYPE_EXTENSION,
  Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_EXTENSION,
  Kind.UNION_TYPE_EXTENSION,
  Kind.ENUM_TYPE_EXTENSION,
  Kind.INPUT_OBJECT_TYPE_EXTENSION,
]);

/** Every construct in `sdl` that AppSync's parser would refuse; empty when it may be deployed. */
export function checkAppSyncSdl(sdl: string): AppSyncSdlProblem[] {
  let document: DocumentNode;
  try {
    document = parse(sdl);
  } catch (error) {
    if (error instanceof GraphQLError) return [problemOf(error.message, error.locations?.[0])];
    throw error;
  }
  const problems: AppSyncSdlProblem[] = [];
  const at = (node: ASTNode, message: string, rewritable = false) =>
    problems.push({ ...problemAt(node.loc, message), rewritable });

  visit(document, {
    enter(node) {
      if (EXTENSION_KINDS.has(node.kind)) {
        at(node, `type system extension (${node.kind}): AppSync does not support extend; merge it into the definition`);
      }
      switch (node.kind) {
        case Kind.OPERATION_DEFINITION:
        case Kind.FRAGMENT_DEFINITION:
          at(node, 'operations and fragments do not belong in a schema document');
          break;
        case Kind.SCHEMA_DEFINITION:
          if (node.description) {
            at(node.description, 'description on the schema definition (GraphQL October 2021): move it to a # comment', true);
          }
          break;
        case Kind.DIRECTIVE_DEFINITION:
          at(node, `directive definition @${node.name.value}: AppSync accepts only its own directives and refuses definitions`);
          break;
        case Kind.SCALAR_TYPE_DEFINITION:
          at(node, `scalar ${node.name.value}: AppSync declares its own scalars (AWSDateTime, ...) and accepts no others`);
          break;
        case Kind.INTERFACE_TYPE_DEFINITION:
          if (node.interfaces?.length) {
            at(node, `interface ${node.name.value} implements an interface (GraphQL October 2021): AppSync refuses it`);
          }
          break;
        case Kind.OBJECT_TYPE_DEFINITION:
          if ((node.interfaces?.length ?? 0) > 1) {
            at(node, `type ${node.name.value} implements more than one interface: AppSync's parser and graphql-js 16 accept no common spelling`);
          }
          break;
        case Kind.STRING:
          if (node.block) at(node, 'block string ("""): AppSync refuses them; write a single-line "..." string', true);
          break;
        default:
          break;
      }
    },
  });

  // Valid SDL against AppSync's own declarations: known types, known directives in their places.
  try {
    const schema = buildASTSchema({ kind: Kind.DOCUMENT, definitions: [...APPSYNC_BUILTINS.definitions, ...document.definitions] });
    for (const error of validateSchema(schema)) problems.push(problemOf(error.message, error.locations?.[0]));
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    for (const message of error.message.split('\n\n')) problems.push(problemOf(message, undefined));
  }
  return problems;
}

/**
 * The schema text to deploy: `sdl` with every block string written as a single-line string (same
 * text, so introspection and the console show the same descriptions) and the schema definition's
 * description as a `#` comment. Throws, naming each construct where it is in `sdl`, when `sdl`
 * has problems no rewrite fixes: those need an edit of the schema itself.
 */
export function toAppSyncSdl(sdl: string): string {
  const remaining = checkAppSyncSdl(sdl).filter((problem) => !problem.rewritable);
  if (remaining.length > 0) {
    throw new Error(`The schema uses GraphQL that AppSync refuses:\n${formatProblems(remaining)}`);
  }
  const document = parse(sdl);
  let schemaDescription = '';
  const transformed = visit(document, {
    SchemaDefinition(node) {
      schemaDescription = node.description?.value ?? '';
      return { ...node, description: undefined };
    },
    StringValue(node): StringValueNode | undefined {
      return node.block ? { ...node, block: false } : undefined;
    },
  });
  const comment = schemaDescription
    .split('\n')
    .filter((line, index, lines) => line !== '' || (index > 0 && index < lines.length - 1))
    .map((line) => `#${line ? ` ${line}` : ''}\n`)
    .join('');
  const text = `${comment}${print(transformed)}\n`;
  const left = checkAppSyncSdl(text);
  if (left.length > 0) throw new Error(`The rewritten schema is still not AppSync's SDL:\n${formatProblems(left)}`);
  return text;
}

export function formatProblems(problems: readonly AppSyncSdlProblem[]): string {
  return problems.map(({ line, column, message }) => `  - ${line > 0 ? `${line}:${column} ` : ''}${message}`).join('\n');
}

function problemAt(loc: Location | undefined, message: string): AppSyncSdlProblem {
  return problemOf(message, loc ? { line: loc.startToken.line, column: loc.startToken.column } : undefined);
}

function problemOf(message: string, location: { line: number; column: number } | undefined): AppSyncSdlProblem {
  return { line: location?.line ?? 0, column: location?.column ?? 0, message, rewritable: false };
}
