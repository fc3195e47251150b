/**
 * GraphQL execution as AppSync does it: graphql-js parses, validates and executes; every field is
 * authorized by the directive rules, and a field with a resolver runs it (request handler, data
 * source, response handler) in that resolver's sandbox, within the request's budget (depth,
 * resolver count, fair share of the process: request-budget.ts). Errors and partial results follow
 * AppSync's response format. Mutations report what they published for subscriptions.
 */
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  defaultFieldResolver,
  execute,
  getArgumentValues,
  getLocation,
  getOperationAST,
  getVariableValues,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields.js';
import type { ApiFunctionName, DataSourceRef } from '../../infra/resolver-wiring.ts';
import type { ApiQueryLimits } from '../../infra/stack-props.ts';
import type { Caller } from './auth/identity.ts';
import type { AuthorizationRules } from './authorization.ts';
import { LambdaBatcher, invokeLambda, type LambdaHandler } from './data-sources/lambda.ts';
import type { DataSourceOutcome } from './data-sources/types.ts';
import { DocumentCache } from './document-cache.ts';
import { FieldError, appendedError, toAppSyncError, unauthorizedField, type AppSyncGraphQLError } from './field-error.ts';
import { FIELDS_PER_TURN, MAX_DOCUMENT_NESTING, MAX_INTROSPECTION_FIELDS, PARSE_LIMITS, RequestBudget, fieldCount, nestsTooDeeply } from './request-budget.ts';
import type { LoadedResolver } from './resolvers.ts';
import { selectionSetOf } from './selection-set.ts';
import type { ResolverError } from './runtime/evaluation.ts';
import type { HandlerOutcome } from './sandbox/resolver-sandbox.ts';

export interface GraphQLResponse {
  data: Record<string, unknown> | null;
  errors?: AppSyncGraphQLError[];
}

export interface DataSources {
  opensearch: (request: unknown) => Promise<DataSourceOutcome>;
  lambdas: Record<ApiFunctionName, LambdaHandler>;
}

export interface ExecutorOptions {
  schema: GraphQLSchema;
  rules: AuthorizationRules;
  resolvers: Map<string, LoadedResolver>;
  dataSources: DataSources;
  region: string;
  queryLimits: ApiQueryLimits;
}

/** One mutation field's selected result, for the subscriptions that listen to it. */
export interface Publication {
  mutationField: string;
  data: unknown;
}

/** A parsed, validated operation with its variables coerced. */
export interface PreparedOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** As sent: graphql-js coerces them again when it executes. */
  variables: Record<string, unknown>;
  coercedVariables: Record<string, unknown>;
  /** Response key -> the root field's nodes, fragments and @skip/@include applied. */
  rootFields: Map<string, readonly FieldNode[]>;
}

/** A subscription whose resolver has run: what the hub registers. */
export interface StartedSubscription {
  field: string;
  args: Record<string, unknown>;
  /** The filter the resolver set (undefined: none). */
  filter: unknown;
  /** Whether the field's resolver ran to completion (false for a field without one). */
  resolverRan: boolean;
}

interface RequestState {
  caller: Caller;
  headers: Record<string, string | undefined>;
  /** Delivering a published payload: no resolvers run, fields read the payload. */
  delivering: boolean;
  appended: AppSyncGraphQLError[];
  batchers: Map<string, LambdaBatcher>;
  budget: RequestBudget;
  subscriptionFilter: unknown;
  subscriptionResolverRan: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const requestError = (message: string) => toAppSyncError(new GraphQLError(message));

export class Executor {
  private readonly documents = new DocumentCache();

  constructor(private readonly options: ExecutorOptions) {}

  /**
   * Parses (within PARSE_LIMITS), validates and coerces the variables of a request body, whatever
   * was sent; GraphQL errors in AppSync's shape on failure.
   */
  prepare(body: unknown): PreparedOperation | { errors: AppSyncGraphQLError[] } {
    if (!isObject(body) || typeof body.query !== 'string') return { errors: [requestError('The request has no query')] };
    const { query, variables = null, operationName = null } = body;
    if (variables !== null && !isObject(variables)) return { errors: [requestError('variables must be a JSON object')] };
    if (operationName !== null && typeof operationName !== 'string') return { errors: [requestError('operationName must be a string')] };
    const document = this.documents.parsed(query, parseQuery);
    if ('errors' in document) return document;
    const operation = getOperationAST(document, operationName ?? undefined);
    if (!operation) return { errors: [requestError('Unknown or ambiguous operation name')] };
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    if (operation.operation === OperationTypeNode.SUBSCRIPTION && hasConditionalRoot(operation.selectionSet, fragments)) {
      // The GraphQL spec (draft, "Single Root Field") and graphql-js 17: a subscription's root field
      // is unconditional, so that starting a subscription always runs its resolver.
      const name = operation.name ? `Subscription "${operation.name.value}"` : 'Anonymous Subscription';
      return { errors: [requestError(`${name} must not use \`@skip\` or \`@include\` directives in the top level selection.`)] };
    }
    const { schema } = this.options;
    const problems = this.documents.problems(document, (parsed) => validate(schema, parsed));
    if (problems.length > 0) return { errors: problems.map(toAppSyncError) };
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 25 });
    if (coerced.errors) return { errors: coerced.errors.map(toAppSyncError) };
    const rootFields = this.rootFieldsOf(operation, fragments, coerced.coerced);
    if ('errors' in rootFields) return rootFields;
    return { document, operation, variables: variables ?? {}, coercedVariables: coerced.coerced, rootFields };
  }

  /** The operation's root fields, its fragments and @skip/@include applied, and what AppSync refuses of them. */
  private rootFieldsOf(operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>): Map<string, readonly FieldNode[]> | { errors: AppSyncGraphQLError[] } {
    const rootType = this.options.schema.getRootType(operation.operation);
    if (!rootType) return { errors: [requestError(`The schema has no ${operation.operation} type`)] };
    let rootFields: Map<string, readonly FieldNode[]>;
    try {
      rootFields = collectFields(this.options.schema, fragments, variables, rootType, operation.selectionSet);
    } catch (error) {
      // A directive argument's variable without a value.
      if (error instanceof GraphQLError) return { errors: [toAppSyncError(error)] };
      throw error;
    }
    if (operation.operation === OperationTypeNode.SUBSCRIPTION && rootFields.size !== 1) {
      return { errors: [requestError('A subscription must select exactly one top level field')] };
    }
    const introspects = [...rootFields.values()].some(([node]) => node?.name.value === '__schema' || node?.name.value === '__type');
    if (introspects && fieldCount([operation.selectionSet], fragments, MAX_INTROSPECTION_FIELDS) > MAX_INTROSPECTION_FIELDS) {
      return { errors: [requestError(`An introspection query may select at most ${MAX_INTROSPECTION_FIELDS} fields`)] };
    }
    return rootFields;
  }

  /** Executes the operation (on `rootValue` when delivering), as AppSync's response (data and errors). */
  private async execute(prepared: PreparedOperation, state: RequestState, rootValue?: Record<string, unknown>): Promise<GraphQLResponse> {
    const result = await execute({
      schema: this.options.schema,
      document: prepared.document,
      operationName: prepared.operation.name?.value,
      variableValues: prepared.variables,
      rootValue,
      contextValue: state,
      fieldResolver: this.fieldResolver,
    });
    // Answered: resolvers still pending (a non-null field's error nulled their parent) stop.
    state.budget.cancel();
    return this.response(result.data ?? null, result.errors, state);
  }

  /** Runs a query or mutation for `caller`. */
  async run(prepared: PreparedOperation, caller: Caller, headers: Record<string, string | undefined>): Promise<{ response: GraphQLResponse; publications: Publication[] }> {
    const state = this.state(caller, headers, false);
    const response = await this.execute(prepared, state);
    return { response, publications: prepared.operation.operation === OperationTypeNode.MUTATION ? this.publications(prepared, response) : [] };
  }

  /** Whether `coordinate` (Type.field) has a resolver. */
  hasResolver(coordinate: string): boolean {
    return this.options.resolvers.has(coordinate);
  }

  /**
   * Runs a subscription's resolver at start: its errors, or the subscription with the filter it
   * set. A subscription whose field has a resolver that did not run is refused.
   */
  async startSubscription(prepared: PreparedOperation, caller: Caller, headers: Record<string, string | undefined>): Promise<{ errors: AppSyncGraphQLError[] } | StartedSubscription> {
    const root = subscriptionRoot(prepared);
    const state = this.state(caller, headers, false);
    const response = await this.execute(prepared, state);
    if (response.errors) return { errors: response.errors };
    const field = root.name.value;
    if (this.hasResolver(`Subscription.${field}`) && !state.subscriptionResolverRan) {
      return { errors: [requestError(`The resolver of Subscription.${field} did not run, so the subscription has no filter`)] };
    }
    const definition = this.options.schema.getSubscriptionType()?.getFields()[field];
    if (!definition) return { errors: [requestError(`Subscription.${field} is not in the schema`)] };
    return { field, args: getArgumentValues(definition, root, prepared.coercedVariables), filter: state.subscriptionFilter, resolverRan: state.subscriptionResolverRan };
  }

  /** The subscriber's selection of a published payload, authorized for the subscriber. */
  deliver(prepared: PreparedOperation, caller: Caller, payload: unknown): Promise<GraphQLResponse> {
    return this.execute(prepared, this.state(caller, {}, true), { [subscriptionRoot(prepared).name.value]: payload });
  }

  private state(caller: Caller, headers: Record<string, string | undefined>, delivering: boolean): RequestState {
    return {
      caller,
      headers,
      delivering,
      appended: [],
      batchers: new Map(),
      budget: new RequestBudget(this.options.queryLimits),
      subscriptionFilter: undefined,
      subscriptionResolverRan: false,
    };
  }

  private response(data: Record<string, unknown> | null, errors: readonly GraphQLError[] | undefined, state: RequestState): GraphQLResponse {
    const all = [...(errors ?? []).map(toAppSyncError), ...state.appended];
    return all.length > 0 ? { data, errors: all } : { data };
  }

  private publications(prepared: PreparedOperation, response: GraphQLResponse): Publication[] {
    const failed = new Set((response.errors ?? []).map((e) => e.path?.[0]));
    return [...prepared.rootFields].flatMap(([key, nodes]) => {
      const data = response.data?.[key];
      return data === null || data === undefined || failed.has(key) ? [] : [{ mutationField: nodes[0]!.name.value, data }];
    });
  }

  private readonly fieldResolver: GraphQLFieldResolver<unknown, RequestState> = (source, args, state, info) => {
    state.budget.checkDepth(info.path);
    const type = info.parentType;
    const field = type.getFields()[info.fieldName];
    if (!field || !this.options.rules.allows(state.caller, type, field)) throw unauthorizedField(info.fieldName, type.name);
    const resolver = state.delivering ? undefined : this.options.resolvers.get(`${type.name}.${info.fieldName}`);
    if (resolver) return this.resolve(resolver, source, args as Record<string, unknown>, state, info);
    const value: unknown = defaultFieldResolver(source, args, state, info);
    return Array.isArray(value) ? state.budget.paceList(value, () => fieldCount(info.fieldNodes.map((node) => node.selectionSet), info.fragments, FIELDS_PER_TURN)) : value;
  };

  private async resolve(resolver: LoadedResolver, source: unknown, args: Record<string, unknown>, state: RequestState, info: GraphQLResolveInfo): Promise<unknown> {
    // Counted before anything runs, in the order graphql-js reaches the fields.
    state.budget.countResolver();
    const selection = selectionSetOf(info);
    const ctx: Record<string, unknown> = {
      arguments: args,
      identity: state.caller.identity,
      source: source ?? null,
      stash: {},
      prev: { result: null },
      info: {
        fieldName: info.fieldName,
        parentTypeName: info.parentType.name,
        variables: info.variableValues,
        selectionSetList: selection.list,
        selectionSetGraphQL: selection.graphql,
      },
      request: { headers: state.headers, domainName: null },
    };
    const options = { authType: state.caller.mode, field: { parentTypeName: info.parentType.name, fieldName: info.fieldName } };
    const isSubscription = info.parentType === this.options.schema.getSubscriptionType();
    await state.budget.handlerTurn();
    const request = this.settle(resolver.sandbox.run('request', ctx, options), state, info);
    if (request.evaluation.earlyReturn) {
      if (request.evaluation.subscriptionFilter) state.subscriptionFilter = request.evaluation.subscriptionFilter;
      state.subscriptionResolverRan ||= isSubscription;
      return request.evaluation.result;
    }
    ctx.stash = request.stash;
    const outcome = await this.callDataSource(resolver.dataSource, request.evaluation.result, ctx, state, resolver.coordinate);
    await state.budget.handlerTurn();
    const response = this.settle(resolver.sandbox.run('response', { ...ctx, ...outcome }, options), state, info);
    const filter = response.evaluation.subscriptionFilter ?? request.evaluation.subscriptionFilter;
    if (filter) state.subscriptionFilter = filter;
    state.subscriptionResolverRan ||= isSubscription;
    return response.evaluation.result;
  }

  /** A handler's outcome: appended errors recorded, a stop or failure raised as the field's error. */
  private settle(outcome: HandlerOutcome, state: RequestState, info: GraphQLResolveInfo): Extract<HandlerOutcome, { kind: 'evaluated' }> {
    if (outcome.kind === 'timedOut') {
      throw new FieldError({ message: `Execution of the resolver code timed out after ${outcome.budgetMs} ms`, errorType: 'ExecutionTimeout' });
    }
    if (outcome.kind === 'thrown') throw new FieldError({ message: `${outcome.name}: ${outcome.message}`, errorType: 'Code' });
    const locations = info.fieldNodes.flatMap((node) => {
      if (!node.loc) return [];
      const { line, column } = getLocation(node.loc.source, node.loc.start);
      return [{ line, column, sourceName: null }];
    });
    const path = responsePath(info);
    for (const detail of outcome.evaluation.appendedErrors) state.appended.push(appendedError(detail, path, locations));
    const error = outcome.evaluation.error as ResolverError | null;
    if (error) throw new FieldError(error);
    return outcome;
  }

  private async callDataSource(source: DataSourceRef, request: unknown, ctx: Record<string, unknown>, state: RequestState, coordinate: string): Promise<{ result?: unknown; error?: unknown }> {
    switch (source.kind) {
      case 'NONE':
        return { result: (request as { payload?: unknown } | null)?.payload ?? null };
      case 'OPENSEARCH':
        return state.budget.dataSourceCall(() => this.options.dataSources.opensearch(request));
      case 'LAMBDA': {
        const handler = this.options.dataSources.lambdas[source.function];
        const invoke = (event: unknown) => state.budget.dataSourceCall(() => invokeLambda(handler, source.function, this.options.region, event));
        const object = (request ?? {}) as { operation?: string; payload?: unknown };
        // Without a payload AppSync sends the whole context.
        const event = object.payload === undefined ? ctx : object.payload;
        if (object.operation === 'BatchInvoke') {
          let batcher = state.batchers.get(coordinate);
          if (!batcher) {
            batcher = new LambdaBatcher(invoke, source.function, source.maxBatchSize ?? 5);
            state.batchers.set(coordinate, batcher);
          }
          return batcher.add(event);
        }
        if (object.operation !== 'Invoke') {
          return { error: { type: 'BadRequest', message: `Lambda request operation must be Invoke or BatchInvoke, got ${String(object.operation)}` } };
        }
        return invoke(event);
      }
    }
  }
}

function responsePath(info: GraphQLResolveInfo): (string | number)[] {
  const path: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) path.unshift(p.key);
  return path;
}

/** The parsed document, within PARSE_LIMITS and MAX_DOCUMENT_NESTING, or its syntax errors. */
function parseQuery(query: string): DocumentNode | { errors: AppSyncGraphQLError[] } {
  try {
    // Nesting first: graphql-js parses recursively.
    if (query.length <= PARSE_LIMITS.maxSourceLength && nestsTooDeeply(query)) {
      return { errors: [requestError(`The document nests deeper than ${MAX_DOCUMENT_NESTING} levels`)] };
    }
    return parse(query, PARSE_LIMITS);
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [toAppSyncError(error)] };
    throw error;
  }
}

/** Whether a root selection set, its fragments included, has a @skip or @include directive. */
function hasConditionalRoot(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, visited = new Set<string>()): boolean {
  return set.selections.some((selection) => {
    if (selection.directives?.some((d) => d.name.value === 'skip' || d.name.value === 'include')) return true;
    if (selection.kind === Kind.INLINE_FRAGMENT) return hasConditionalRoot(selection.selectionSet, fragments, visited);
    if (selection.kind !== Kind.FRAGMENT_SPREAD || visited.has(selection.name.value)) return false;
    visited.add(selection.name.value);
    const fragment = fragments[selection.name.value];
    return fragment ? hasConditionalRoot(fragment.selectionSet, fragments, visited) : false;
  });
}

/** A subscription's one root field (prepare checked that there is exactly one). */
function subscriptionRoot(prepared: PreparedOperation): FieldNode {
  const [nodes] = prepared.rootFields.values();
  if (!nodes?.[0]) throw new Error('A subscription operation without its root field');
  return nodes[0];
}
