import type { Analyzer } from './analysis.ts';
import { OpenSearchError, validationFailed, versionConflict } from './errors.ts';
import { LIMITS } from './limits.ts';
import type { FieldValues, LeafField } from './mapping.ts';

/**
 * Versioning rules of a write (index, create, delete) against the stored document: optimistic
 * concurrency by if_seq_no/if_primary_term, op_type=create, and external versions. Pure: returns
 * the new version or throws OpenSearch's error.
 */
export interface StoredVersion {
  version: number;
  seqNo: number;
  primaryTerm: number;
}

export type VersionType = 'internal' | 'external' | 'external_gte';

export interface WriteConditions {
  opType: 'index' | 'create' | 'delete';
  version?: number | undefined;
  versionType?: VersionType | undefined;
  ifSeqNo?: number | undefined;
  ifPrimaryTerm?: number | undefined;
}

function validateConditions(c: WriteConditions): void {
  const versionType = c.versionType ?? 'internal';
  if ((c.ifSeqNo === undefined) !== (c.ifPrimaryTerm === undefined)) {
    throw validationFailed(c.ifSeqNo !== undefined ? `ifSeqNo is set, but primary term is [0]` : 'ifPrimaryTerm is set, but seqNo is [-2]');
  }
  if (c.ifSeqNo !== undefined && (c.version !== undefined || versionType !== 'internal')) {
    throw validationFailed('compare and write operations can not use versioning');
  }
  if (versionType === 'internal' && c.version !== undefined) {
    throw validationFailed('internal versioning can not be used for optimistic concurrency control. Please use `if_seq_no` and `if_primary_term` instead');
  }
  if (versionType !== 'internal' && c.version === undefined) throw validationFailed('an external version must be provided');
  if (c.opType === 'create' && versionType !== 'internal') throw validationFailed('create operations only support internal versioning. use index instead');
  if (c.opType === 'create' && c.ifSeqNo !== undefined) throw validationFailed('create operations do not support compare and set. use index instead');
}

/** The version the write stores; throws version_conflict_engine_exception (409) when it must not happen. */
export function nextVersion(stored: StoredVersion | undefined, c: WriteConditions, id: string, index: string): number {
  validateConditions(c);
  if (c.ifSeqNo !== undefined) {
    if (!stored) {
      throw versionConflict(id, `required seqNo [${c.ifSeqNo}], primary term [${c.ifPrimaryTerm}]. but no document was found`, index);
    }
    if (stored.seqNo !== c.ifSeqNo || stored.primaryTerm !== c.ifPrimaryTerm) {
      throw versionConflict(
        id,
        `required seqNo [${c.ifSeqNo}], primary term [${c.ifPrimaryTerm}]. current document has seqNo [${stored.seqNo}] and primary term [${stored.primaryTerm}]`,
        index,
      );
    }
  }
  if (c.opType === 'create' && stored) {
    throw versionConflict(id, `document already exists (current version [${stored.version}])`, index);
  }
  if (c.versionType === 'external' || c.versionType === 'external_gte') {
    const wanted = c.version ?? 0;
    if (stored) {
      const conflict = c.versionType === 'external' ? stored.version >= wanted : stored.version > wanted;
      if (conflict) {
        const relation = c.versionType === 'external' ? 'higher or equal to' : 'higher than';
        throw versionConflict(id, `current version [${stored.version}] is ${relation} the one provided [${wanted}]`, index);
      }
    }
    return wanted;
  }
  return stored ? stored.version + 1 : 1;
}

/** A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4). */
const MAX_BYTES_PER_UNIT = 3;

/**
 * Lucene refuses a document holding a term longer than 32766 UTF-8 bytes (IndexingChain, "immense
 * term"): a keyword value, or a token of an analyzer without a token length limit (keyword,
 * pattern); the standard analyzer's tokens (255 characters at most) never are. Only values long
 * enough to hold one are analyzed here.
 */
export function checkTermLengths(fields: readonly FieldValues[], analyzerFor: (field: LeafField) => Analyzer): void {
  const max = LIMITS.maxTermBytes;
  for (const { field, values } of fields) {
    if (!field.indexed || (field.type !== 'keyword' && field.type !== 'text')) continue;
    const analyzer = field.type === 'text' ? analyzerFor(field) : undefined;
    if (analyzer?.maxTokenLength !== undefined && analyzer.maxTokenLength * MAX_BYTES_PER_UNIT <= max) continue;
    for (const value of values as string[]) {
      if (value.length * MAX_BYTES_PER_UNIT <= max) continue;
      for (const term of analyzer ? analyzer.tokens(value) : [value]) {
        if (term.length * MAX_BYTES_PER_UNIT <= max) continue;
        const bytes = Buffer.from(term, 'utf8');
        if (bytes.length > max) throw immenseTerm(field.path, bytes);
      }
    }
  }
}

function immenseTerm(field: string, bytes: Buffer): OpenSearchError {
  const max = LIMITS.maxTermBytes;
  // Arrays.toString of a Java byte[]: signed bytes.
  const prefix = Array.from(bytes.subarray(0, 30), (b) => (b << 24) >> 24).join(', ');
  const original = `bytes can be at most ${max} in length; got ${bytes.length}`;
  return new OpenSearchError(
    400,
    'illegal_argument_exception',
    `Document contains at least one immense term in field="${field}" (whose UTF8 encoding is longer than the max length ${max}), all of which were skipped.  Please correct the analyzer to not produce such terms.  The prefix of the first immense term is: '[${prefix}]...', original message: ${original}`,
    {},
    new OpenSearchError(400, 'max_bytes_length_exceeded_exception', original),
  );
}
