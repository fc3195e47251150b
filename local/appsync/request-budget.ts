/**
 * What one GraphQL request may consume. AppSync's own limits, with its error types
 * ("Configuring GraphQL run complexity, query depth, and introspection with AWS AppSync"):
 * - QueryDepthLimit: a field nested deeper than the limit (leaves count as a level) fails with
 *   QueryDepthLimitReached, and a non-null field's error moves up to its first nullable parent;
 * - ResolverCountLimit: resolver runs past the limit fail with ResolverExecutionLimitReached and
 *   do not run, the earlier ones do.
 * - the request's execution time, 30 s (AppSync's quota), past which it fails with ExecutionTimeout.
 * The local server also shares its one process fairly: a request does a turn's worth of work
 * (resolver handler runs and list items, FIELDS_PER_TURN) and then waits for the next turn of the
 * event loop, so that other requests are read, run and answered meanwhile; it has at most
 * MAX_CONCURRENT_DATA_SOURCE_CALLS data-source calls in flight (the search engine is shared too);
 * and once answered, what it still has waiting never runs.
 */
import { Kind, Lexer, Source, TokenKind, type FragmentDefinitionNode, type ResponsePath, type SelectionSetNode } from 'graphql';
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

/**
 * graphql-java's "good faith" introspection limit: an introspection query selects at most 500
 * fields, fragments expanded where they are spread (the standard introspection query selects 229).
 * graphql-js resolves introspection itself, outside the request's pacing, so it is bounded up front.
 */
export const MAX_INTROSPECTION_FIELDS = 500;

/**
 * The fields `sets` select at every level, fragments expanded where they are spread, counted up to
 * `cap` + 1 (so that counting costs little whatever the document).
 */
export function fieldCount(sets: readonly (SelectionSetNode | undefined)[], fragments: Readonly<Record<string, FragmentDefinitionNode>>, cap: number): number {
  let count = 0;
  const over = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((selection) => {
      if (selection.kind === Kind.FIELD) return (count += 1) > cap || over(selection.selectionSet);
      return over(selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments[selection.name.value]?.selectionSet);
    });
  sets.some(over);
  return count;
}

/**
 * The work one request does in a turn of the event loop, about 10 ms, in field resolutions (half a
 * microsecond each); past it, resolver handlers and list items wait for a later turn. A search
 * page of 100 images resolves about 15,000 fields.
 */
export const FIELDS_PER_TURN = 20_000;
/** Resolver handler runs in a turn that does nothing else (a run takes about 50 microseconds, 100 field resolutions). */
export const HANDLER_RUNS_PER_TURN = 200;
const HANDLER_RUN_COST = FIELDS_PER_TURN / HANDLER_RUNS_PER_TURN;
export const MAX_CONCURRENT_DATA_SOURCE_CALLS = 8;
/** AppSync's quota on a request's execution time ("Request execution time for mutations, queries, and subscriptions"). */
export const REQUEST_TIME_LIMIT_MS = 30_000;

/** A field's depth: the fields on its path, root field 1 (list indices and fragments do not count). */
export function fieldDepth(path: ResponsePath | undefined): number {
  let depth = 0;
  for (let p = path; p; p = p.prev) if (typeof p.key === 'string') depth += 1;
  return depth;
}

/** Something of a request waiting for a turn, and the work it will do then. */
interface Waiting {
  work: number;
  release: () => void;
}

export class RequestBudget {
  private resolverRuns = 0;
  /** Work done in this turn, in field resolutions (handler runs and list items by their estimates). */
  private work = 0;
  /** Waiting in order; `head` is the first still waiting. */
  private readonly waiting: Waiting[] = [];
  private head = 0;
  private turnScheduled = false;
  private cancelled = false;
  private readonly started: number;
  private readonly dataSourceSlots: LimitFunction = pLimit(MAX_CONCURRENT_DATA_SOURCE_CALLS);

  constructor(
    private readonly limits: ApiQueryLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
  }

  /** The request is answered: its handlers, lists and data-source calls still waiting do not run. */
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

  /** Resolves when this request may run one more resolver handler: at once, or in a later turn of the event loop. */
  async handlerTurn(): Promise<void> {
    if (this.head < this.waiting.length || this.work + HANDLER_RUN_COST > FIELDS_PER_TURN) await this.wait(HANDLER_RUN_COST);
    else this.work += HANDLER_RUN_COST;
    this.checkRunning();
  }

  /**
   * Paces a list whose items each resolve about `width()` fields (graphql-js completes a list's
   * items at once): the items that fit in this turn's work are returned as they are, the others as
   * promises of them released in later turns, in order, a turn's work at a time.
   */
  paceList<T>(items: T[], width: () => number): (T | Promise<T>)[] {
    if (items.length === 0) return items;
    const each = Math.max(1, width());
    const fits = () => this.head === this.waiting.length && this.work + each <= FIELDS_PER_TURN;
    if (this.head === this.waiting.length && this.work + items.length * each <= FIELDS_PER_TURN) {
      this.work += items.length * each;
      return items;
    }
    return items.map((item) => {
      if (!fits()) return this.wait(each).then(() => (this.checkRunning(), item));
      this.work += each;
      return item;
    });
  }

  private wait(work: number): Promise<void> {
    return new Promise((release) => {
      this.waiting.push({ work, release });
      this.scheduleTurn();
    });
  }

  /** The next turn lets the waiting through in order, as long as they fit in it (the first always does). */
  private scheduleTurn(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    // Scheduled from this turn, the next one comes after the event loop has polled for I/O.
    setImmediate(() => {
      this.turnScheduled = false;
      this.work = 0;
      for (let next = this.waiting[this.head]; next && (this.work === 0 || this.work + next.work <= FIELDS_PER_TURN); next = this.waiting[this.head]) {
        this.work += next.work;
        this.head += 1;
        next.release();
      }
      if (this.head < this.waiting.length) this.scheduleTurn();
      else {
        this.waiting.length = 0;
        this.head = 0;
      }
    });
  }

  /** Throws once the request is answered, or past AppSync's execution time. */
  private checkRunning(): void {
    if (this.cancelled) throw new FieldError({ message: 'The request was answered before this field was resolved', errorType: 'Cancelled' });
    if (this.now() - this.started > REQUEST_TIME_LIMIT_MS) throw new FieldError({ message: 'Execution timed out.', errorType: 'ExecutionTimeout' });
  }
}
