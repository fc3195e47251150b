/**
 * What one GraphQL request may consume. AppSync's own limits, with its error types
 * ("Configuring GraphQL run complexity, query depth, and introspection with AWS AppSync"):
 * - QueryDepthLimit: a field nested deeper than the limit (leaves count as a level) fails with
 *   QueryDepthLimitReached, and a non-null field's error moves up to its first nullable parent;
 * - ResolverCountLimit: resolver runs past the limit fail with ResolverExecutionLimitReached and
 *   do not run, the earlier ones do.
 * The local server also shares its one process fairly: a request runs at most HANDLER_RUNS_PER_TURN
 * resolver handlers in a row, then waits for the next turn of the event loop so that other
 * requests are read, run and answered meanwhile, and it has at most
 * MAX_CONCURRENT_DATA_SOURCE_CALLS data-source calls in flight (the search engine is shared too).
 */
import { Lexer, Source, TokenKind, type ResponsePath } from 'graphql';
import pLimit, { type LimitFunction } from 'p-limit';
import type { ApiQueryLimits } from '../../infra/stack-props.ts';
import { FieldError } from './field-error.ts';

/**
 * Parser bounds, those of graphql-java (AppSync's validation messages are graphql-java's):
 * 15,000 tokens and 1 MiB of query text. Parse and validation time follow the token count.
 */
export const PARSE_LIMITS = { maxLexicalTokens: 15_000, maxSourceLength: 1024 * 1024 } as const;

/**
 * Deepest nesting of braces, brackets and parentheses a document may have: graphql-js parses
 * recursively, and graphql-java refuses documents whose grammar rules nest over 500 deep (a
 * level of nesting is two or three rules). The introspection query nests 16 deep.
 */
export const MAX_DOCUMENT_NESTING = 200;

const OPENING = new Set<TokenKind>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<TokenKind>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Whether the document nests deeper than MAX_DOCUMENT_NESTING, read by the lexer alone within the
 * token limit (parsing reports what lies beyond it). Throws the lexer's syntax errors.
 */
export function nestsTooDeeply(document: string): boolean {
  const lexer = new Lexer(new Source(document));
  let depth = 0;
  for (let token = lexer.advance(), count = 0; token.kind !== TokenKind.EOF && count < PARSE_LIMITS.maxLexicalTokens; token = lexer.advance(), count++) {
    if (OPENING.has(token.kind)) depth += 1;
    else if (CLOSING.has(token.kind)) depth -= 1;
    if (depth > MAX_DOCUMENT_NESTING) return true;
  }
  return false;
}

/** Resolver handler runs of one request between two waits for a turn (a run takes well under a millisecond). */
export const HANDLER_RUNS_PER_TURN = 16;
export const MAX_CONCURRENT_DATA_SOURCE_CALLS = 8;

/** A field's depth: the fields on its path, root field 1 (list indices and fragments do not count). */
export function fieldDepth(path: ResponsePath | undefined): number {
  let depth = 0;
  for (let p = path; p; p = p.prev) if (typeof p.key === 'string') depth += 1;
  return depth;
}

export class RequestBudget {
  private resolverRuns = 0;
  private handlerRunsThisTurn = 0;
  private nextTurn: Promise<void> | undefined;
  private cancelled = false;
  private readonly dataSourceSlots: LimitFunction = pLimit(MAX_CONCURRENT_DATA_SOURCE_CALLS);

  constructor(private readonly limits: ApiQueryLimits) {}

  /** The request is answered: its handlers and data-source calls still waiting do not run. */
  cancel(): void {
    this.cancelled = true;
    this.dataSourceSlots.clearQueue();
  }

  /** Runs a data-source call once fewer than MAX_CONCURRENT_DATA_SOURCE_CALLS of this request are in flight. */
  dataSourceCall<T>(call: () => Promise<T>): Promise<T> {
    return this.dataSourceSlots(call);
  }

  /** Throws QueryDepthLimitReached when the field at `path` is deeper than the limit. */
  checkDepth(path: ResponsePath): void {
    const limit = this.limits.apiQueryDepthLimit;
    if (fieldDepth(path) > limit) {
      throw new FieldError({ message: `Query depth limit of ${limit} reached`, errorType: 'QueryDepthLimitReached' });
    }
  }

  /** Counts one resolver run; throws ResolverExecutionLimitReached (the resolver must not run) past the limit. */
  countResolver(): void {
    const limit = this.limits.apiResolverCountLimit;
    this.resolverRuns += 1;
    if (this.resolverRuns > limit) {
      throw new FieldError({ message: `Resolver count limit of ${limit} reached`, errorType: 'ResolverExecutionLimitReached' });
    }
  }

  /** Resolves when this request may run one more resolver handler: at once, or after a turn of the event loop. */
  async handlerTurn(): Promise<void> {
    while (this.handlerRunsThisTurn >= HANDLER_RUNS_PER_TURN) {
      // Scheduled from this turn, the next one comes after the event loop has polled for I/O.
      this.nextTurn ??= new Promise((resolve) =>
        setImmediate(() => {
          this.handlerRunsThisTurn = 0;
          this.nextTurn = undefined;
          resolve();
        }),
      );
      await this.nextTurn;
    }
    if (this.cancelled) throw new FieldError({ message: 'The request was answered before this resolver ran', errorType: 'Cancelled' });
    this.handlerRunsThisTurn += 1;
  }
}
