/**
 * GraphQL execution as AppSync does it: graphql-js parses, validates and executes; every field is
 * authorized by the directive rules, and a field with a resolver runs it (request handler, data
 * source, response handler) in that resolver's sandbox. Errors and partial results follow
 * AppSync's response format. Mutations report what they published for subscriptions.
 */
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  defaultFieldResolver,
  execute,
  getLocation,
  getOperationAST,
  parse,
  print,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ApiFunctionName, DataSourceRef } from '../../infra/resolver-wiring.ts';
import type { Caller } from './auth/identity.ts';
import type { AuthorizationRules } from './authorization.ts';
import { LambdaBatcher, invokeLambda, type LambdaHandler } from './data-sources/lambda.ts';
import type { DataSourceOutcome } from './data-sources/types.ts';
import { FieldError, appendedError, toAppSyncError, unauthorizedField, type AppSyncGraphQLError } from './field-error.ts';
import type { LoadedResolver } from './resolvers.ts';
import type { ResolverError } from './runtime/evaluation.ts';
import type { HandlerOutcome } from './sandbox/resolver-sandbox.ts';

export interface GraphQLRequestBody {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

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
}

/** One mutation field's selected result, for the subscriptions that listen to it. */
export interface Publication {
  mutationField: string;
  data: unknown;
}

/** A parsed, validated operation. */
export interface PreparedOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
}

interface RequestState {
  caller: Caller;
  headers: Record<string, string | undefined>;
  /** Delivering a published payload: no resolvers run, fields read the payload. */
  delivering: boolean;
  appended: AppSyncGraphQLError[];
  batchers: Map<string, LambdaBatcher>;
  subscriptionFilter: unknown;
}

export class Executor {
  constructor(private readonly options: ExecutorOptions) {}

  /** Parses and validates; GraphQL errors in AppSync's shape on failure. */
  prepare(body: GraphQLRequestBody): PreparedOperation | { errors: AppSyncGraphQLError[] } {
    if (typeof body?.query !== 'string') {
      return { errors: [toAppSyncError(new GraphQLError('The request has no query'))] };
    }
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (error) {
      return { errors: [toAppSyncError(error as GraphQLError)] };
    }
    const problems = validate(this.options.schema, document);
    if (problems.length > 0) return { errors: problems.map(toAppSyncError) };
    const operation = getOperationAST(document, body.operationName ?? undefined);
    if (!operation) return { errors: [toAppSyncError(new GraphQLError('Unknown or ambiguous operation name'))] };
    return { document, operation, variables: body.variables ?? {} };
  }

  /** Executes the operation with the resolvers, as AppSync's response (data and errors). */
  private async execute(prepared: PreparedOperation, state: ReturnType<typeof this.state>): Promise<GraphQLResponse> {
    const result = await execute({
      schema: this.options.schema,
      document: prepared.document,
      operationName: prepared.operation.name?.value,
      variableValues: prepared.variables,
      contextValue: state,
      fieldResolver: this.fieldResolver,
    });
    return this.response(result.data ?? null, result.errors, state);
  }

  /** Runs a query or mutation for `caller`. */
  async run(prepared: PreparedOperation, caller: Caller, headers: Record<string, string | undefined>): Promise<{ response: GraphQLResponse; publications: Publication[] }> {
    const state = this.state(caller, headers, false);
    const response = await this.execute(prepared, state);
    return { response, publications: prepared.operation.operation === OperationTypeNode.MUTATION ? this.publications(prepared, response) : [] };
  }

  /** Runs a subscription's resolver at start: its errors, or the filter it set. */
  async startSubscription(prepared: PreparedOperation, caller: Caller, headers: Record<string, string | undefined>): Promise<{ errors: AppSyncGraphQLError[] } | { filter: unknown; field: string; args: Record<string, unknown> }> {
    const state = this.state(caller, headers, false);
    const response = await this.execute(prepared, state);
    if (response.errors) return { errors: response.errors };
    const root = prepared.operation.selectionSet.selections[0] as FieldNode;
    return { filter: state.subscriptionFilter, field: root.name.value, args: argumentValues(root, prepared.variables) };
  }

  /** The subscriber's selection of a published payload, authorized for the subscriber. */
  async deliver(prepared: PreparedOperation, caller: Caller, payload: unknown): Promise<GraphQLResponse> {
    const root = prepared.operation.selectionSet.selections[0] as FieldNode;
    const state = this.state(caller, {}, true);
    const result = await execute({
      schema: this.options.schema,
      document: prepared.document,
      operationName: prepared.operation.name?.value,
      variableValues: prepared.variables,
      rootValue: { [root.name.value]: payload },
      contextValue: state,
      fieldResolver: this.fieldResolver,
    });
    return this.response(result.data ?? null, result.errors, state);
  }

  private state(caller: Caller, headers: Record<string, string | undefined>, delivering: boolean): RequestState {
    return { caller, headers, delivering, appended: [], batchers: new Map(), subscriptionFilter: undefined };
  }

  private response(data: Record<string, unknown> | null, errors: readonly GraphQLError[] | undefined, state: RequestState): GraphQLResponse {
    const all = [...(errors ?? []).map(toAppSyncError), ...state.appended];
    return all.length > 0 ? { data, errors: all } : { data };
  }

  private publications(prepared: PreparedOperation, response: GraphQLResponse): Publication[] {
    const failed = new Set((response.errors ?? []).map((e) => e.path?.[0]));
    return prepared.operation.selectionSet.selections.flatMap((selection) => {
      if (selection.kind !== Kind.FIELD) return [];
      const key = selection.alias?.value ?? selection.name.value;
      const data = response.data?.[key];
      return data === null || data === undefined || failed.has(key) ? [] : [{ mutationField: selection.name.value, data }];
    });
  }

  private readonly fieldResolver: GraphQLFieldResolver<unknown, RequestState> = (source, args, state, info) => {
    const type = info.parentType;
    const field = type.getFields()[info.fieldName];
    if (!field || !this.options.rules.allows(state.caller, type, field)) throw unauthorizedField(info.fieldName, type.name);
    const resolver = state.delivering ? undefined : this.options.resolvers.get(`${type.name}.${info.fieldName}`);
    if (!resolver) return defaultFieldResolver(source, args, state, info);
    return this.resolve(resolver, source, args as Record<string, unknown>, state, info);
  };

  private async resolve(resolver: LoadedResolver, source: unknown, args: Record<string, unknown>, state: RequestState, info: GraphQLResolveInfo): Promise<unknown> {
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
    const request = this.settle(resolver.sandbox.run('request', ctx, options), state, info);
    if (request.evaluation.earlyReturn) return request.evaluation.result;
    ctx.stash = request.stash;
    const outcome = await this.callDataSource(resolver.dataSource, request.evaluation.result, ctx, state, resolver.coordinate);
    const response = this.settle(resolver.sandbox.run('response', { ...ctx, ...outcome }, options), state, info);
    const filter = response.evaluation.subscriptionFilter ?? request.evaluation.subscriptionFilter;
    if (filter) state.subscriptionFilter = filter;
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
        return this.options.dataSources.opensearch(request);
      case 'LAMBDA': {
        const handler = this.options.dataSources.lambdas[source.function];
        const object = (request ?? {}) as { operation?: string; payload?: unknown };
        // Without a payload AppSync sends the whole context.
        const event = object.payload === undefined ? ctx : object.payload;
        if (object.operation === 'BatchInvoke') {
          let batcher = state.batchers.get(coordinate);
          if (!batcher) {
            batcher = new LambdaBatcher(handler, source.function, this.options.region, source.maxBatchSize ?? 5);
            state.batchers.set(coordinate, batcher);
          }
          return batcher.add(event);
        }
        if (object.operation !== 'Invoke') {
          return { error: { type: 'BadRequest', message: `Lambda request operation must be Invoke or BatchInvoke, got ${String(object.operation)}` } };
        }
        return invokeLambda(handler, source.function, this.options.region, event);
      }
    }
  }
}

function responsePath(info: GraphQLResolveInfo): (string | number)[] {
  const path: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) path.unshift(p.key);
  return path;
}

/** ctx.info.selectionSetList ("a", "a/b") and selectionSetGraphQL, fragments flattened. */
function selectionSetOf(info: GraphQLResolveInfo): { list: string[]; graphql: string } {
  const list: string[] = [];
  const walk = (set: SelectionSetNode | undefined, prefix: string) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const name = `${prefix}${selection.name.value}`;
        list.push(name);
        walk(selection.selectionSet, `${name}/`);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, prefix);
      else walk(info.fragments[selection.name.value]?.selectionSet, prefix);
    }
  };
  const node = info.fieldNodes[0];
  walk(node?.selectionSet, '');
  return { list, graphql: node?.selectionSet ? print(node.selectionSet) : '' };
}

function argumentValues(field: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const arg of field.arguments ?? []) {
    const value = arg.value;
    if (value.kind === Kind.VARIABLE) args[arg.name.value] = variables[value.name.value];
    else if (value.kind === Kind.NULL) args[arg.name.value] = null;
    else if ('value' in value) args[arg.name.value] = value.value;
  }
  return args;
}
