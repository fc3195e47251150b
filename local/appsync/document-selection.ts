import { execute, parse, validate } from 'graphql';
import { loadProjectSchema } from './schema.ts';
import { selectionSetOf } from './selection-set.ts';

/** ctx.info's selection as the local AppSync builds it for a resolver. */
export interface InfoSelection {
  selectionSetList: string[];
  selectionSetGraphQL: string;
}

/**
 * The selection the local AppSync gives the resolver of the root field `fieldName` for a whole
 * document (an operation and its fragments): validated against the project's schema and executed,
 * as a request is. For tests and benchmarks that start from a client's own document.
 */
export function rootFieldSelection(document: string, fieldName: string): InfoSelection {
  const schema = loadProjectSchema();
  const parsed = parse(document);
  const problems = validate(schema, parsed);
  if (problems.length > 0) throw new Error(`not a valid document: ${problems.map((problem) => problem.message).join('; ')}`);
  let selection: InfoSelection | undefined;
  const rootValue = {
    [fieldName]: (_args: unknown, _context: unknown, info: Parameters<typeof selectionSetOf>[0]) => {
      const { list, graphql } = selectionSetOf(info);
      selection ??= { selectionSetList: list, selectionSetGraphQL: graphql };
      return null;
    },
  };
  // The null answer fails a non-null field after its resolver has seen its info. Errors before
  // that (a required variable, which this gives none) say why the resolver was not reached.
  const executed = execute({ schema, document: parsed, rootValue });
  if (!selection) {
    const errors = 'errors' in executed ? (executed.errors ?? []) : [];
    throw new Error(`the document does not reach ${fieldName}'s resolver${errors.map((error) => `; ${error.message}`).join('')}`);
  }
  return selection;
}
