import { createHash } from 'node:crypto';
import { invalidParameterValue } from './errors.ts';

/** A message attribute as the JSON protocol carries it (BinaryValue in base64). */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export type MessageAttributes = Record<string, MessageAttribute>;

const MAX_ATTRIBUTES = 10;

export const md5Hex = (data: Buffer | string) => createHash('md5').update(data).digest('hex');

/** Refuses attributes SQS would refuse, with its messages; returns them without extra fields. */
export function checkMessageAttributes(input: unknown): MessageAttributes {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object') throw invalidParameterValue('MessageAttributes must be a map.');
  const entries = Object.entries(input as Record<string, Partial<MessageAttribute> & Record<string, unknown>>);
  if (entries.length > MAX_ATTRIBUTES) {
    throw invalidParameterValue(`Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`);
  }
  const checked: MessageAttributes = {};
  for (const [name, value] of entries) {
    if (
      name.length > 256 ||
      !/^[A-Za-z0-9_.-]+$/.test(name) ||
      /^(aws|amazon)\./i.test(name) ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      name.includes('..')
    ) {
      throw invalidParameterValue(`Message attribute name '${name}' is invalid.`);
    }
    const dataType = value.DataType ?? '';
    const transport = dataType.split('.')[0];
    if (!['String', 'Number', 'Binary'].includes(transport ?? '') || dataType.length > 256) {
      throw invalidParameterValue(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    }
    if (value.StringListValues !== undefined || value.BinaryListValues !== undefined) {
      throw invalidParameterValue(`Message attribute '${name}' uses list values, which SQS reserves for future use.`);
    }
    const missing = () => invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${transport}'.`);
    if (transport === 'Binary') {
      if (typeof value.BinaryValue !== 'string' || value.BinaryValue === '') throw missing();
      checked[name] = { DataType: dataType, BinaryValue: value.BinaryValue };
    } else {
      if (typeof value.StringValue !== 'string' || value.StringValue === '') throw missing();
      if (transport === 'Number' && !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.StringValue)) {
        throw invalidParameterValue(`Can't cast the value of message (user) attribute '${name}' to a number.`);
      }
      checked[name] = { DataType: dataType, StringValue: value.StringValue };
    }
  }
  return checked;
}

const valueBytes = (attribute: MessageAttribute) =>
  attribute.BinaryValue !== undefined ? Buffer.from(attribute.BinaryValue, 'base64') : Buffer.from(attribute.StringValue ?? '', 'utf8');

/** Bytes the attributes count against the message size limit: names, types and values. */
export function attributesSize(attributes: MessageAttributes): number {
  let size = 0;
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType) + valueBytes(attribute).length;
  }
  return size;
}

/**
 * MD5OfMessageAttributes as SQS computes it: names sorted; for each, length-prefixed (4 bytes, big
 * endian) name and type, one transport byte (1 string/number, 2 binary), length-prefixed value.
 */
export function md5OfMessageAttributes(attributes: MessageAttributes): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  const prefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of names) {
    const attribute = attributes[name] as MessageAttribute;
    prefixed(Buffer.from(name, 'utf8'));
    prefixed(Buffer.from(attribute.DataType, 'utf8'));
    parts.push(Buffer.from([attribute.BinaryValue !== undefined ? 2 : 1]));
    prefixed(valueBytes(attribute));
  }
  return md5Hex(Buffer.concat(parts));
}

/** The attributes a receiver asked for: names, `All`, `.*`, or prefixes ending in `.*`. */
export function selectMessageAttributes(attributes: MessageAttributes, requested: string[] | undefined): MessageAttributes {
  if (!requested?.length) return {};
  const wanted = (name: string) =>
    requested.some((pattern) => pattern === 'All' || pattern === '.*' || pattern === name || (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))));
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => wanted(name)));
}
