import { illegalArgument, show } from './errors.ts';
import type { VersionType } from './documents.ts';

/** One action of a _bulk body: its metadata line and, except for delete, its source line. */
export interface BulkAction {
  action: 'index' | 'create' | 'update' | 'delete';
  index: string | undefined;
  id: string | undefined;
  version?: number;
  versionType?: VersionType;
  ifSeqNo?: number;
  ifPrimaryTerm?: number;
  /** An update's body. */
  body?: Record<string, unknown>;
  /**
   * The source line as sent (checked to be a JSON object). Index and create parse it again when
   * the action is prepared, and store it as is: holding every parsed document of a batch until
   * the last one is prepared made them outlive V8's young generation (copied by each scavenge,
   * then promoted to old space), which doubled the GC time of bulk indexing.
   */
  text?: string;
}

const META_KEYS = new Set(['_index', '_id', 'version', 'version_type', 'if_seq_no', 'if_primary_term', 'routing', 'retry_on_conflict', 'require_alias', 'pipeline']);
const VERSION_TYPES = new Set(['internal', 'external', 'external_gte']);

/** Parses NDJSON; a malformed line fails the whole request, as in OpenSearch. */
export function parseBulk(text: string): BulkAction[] {
  const lines = text.split('\n');
  const actions: BulkAction[] = [];
  let i = 0;
  const parseLine = (line: string, n: number): Record<string, unknown> => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw illegalArgument(`Malformed action/metadata line [${n}], expected START_OBJECT or END_OBJECT but found [VALUE_STRING]`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw illegalArgument(`Malformed action/metadata line [${n}], expected START_OBJECT but found [${Array.isArray(value) ? 'START_ARRAY' : 'VALUE'}]`);
    }
    return value as Record<string, unknown>;
  };
  while (i < lines.length) {
    const line = lines[i++]?.trim() ?? '';
    if (line === '') continue;
    const n = i;
    const meta = parseLine(line, n);
    const keys = Object.keys(meta);
    const action = keys[0];
    if (keys.length !== 1 || (action !== 'index' && action !== 'create' && action !== 'update' && action !== 'delete')) {
      throw illegalArgument(`Malformed action/metadata line [${n}], expected field [create], [delete], [index] or [update] but found [${show(action)}]`);
    }
    const params = (meta[action] ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(params)) {
      if (!META_KEYS.has(key)) throw illegalArgument(`Action/metadata line [${n}] contains an unknown parameter [${key}]`);
    }
    if (params.version_type !== undefined && !VERSION_TYPES.has(show(params.version_type))) {
      throw illegalArgument(`No version type match [${show(params.version_type)}]`);
    }
    const entry: BulkAction = {
      action,
      index: params._index === undefined ? undefined : show(params._index),
      id: params._id === undefined ? undefined : show(params._id),
      ...(params.version === undefined ? {} : { version: Number(params.version) }),
      ...(params.version_type === undefined ? {} : { versionType: params.version_type as VersionType }),
      ...(params.if_seq_no === undefined ? {} : { ifSeqNo: Number(params.if_seq_no) }),
      ...(params.if_primary_term === undefined ? {} : { ifPrimaryTerm: Number(params.if_primary_term) }),
    };
    if (action !== 'delete') {
      const source = lines[i++]?.trim();
      if (source === undefined || source === '') throw illegalArgument('The bulk request must be terminated by a newline [\\n]');
      // Every source line is checked before any action of the request is applied.
      const body = parseLine(source, i);
      if (action === 'update') entry.body = body;
      entry.text = source;
    }
    actions.push(entry);
  }
  return actions;
}
