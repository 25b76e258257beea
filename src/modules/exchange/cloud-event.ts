/**
 * Reading a CloudEvents 1.0 structured event (JSON format, cloudevents/spec json-format.md) as a
 * publisher sends it: the context attributes the exchange uses, the payload in `data` or
 * `data_base64`, and the extensions `partitionkey`, `correlationid` and `dataref`. Every problem is
 * reported with the attribute's JSON pointer; payload values are never echoed (they may be personal data).
 */
import type { FieldError } from '../../platform/errors.js';

export interface InboundEvent {
  id: string;
  source: string;
  type: string;
  subject: string | null;
  time: Date | null;
  /** The media type of `data`; JSON when absent. */
  dataContentType: string;
  /** A JSON value, or the text of an XML or CSV payload. */
  data: unknown;
  partitionKey: string | null;
  correlationId: string | null;
  /** The SHA-256 of an attachment already streamed into the exchange, from the `dataref` extension. */
  dataRef: string | null;
}

const MAX_ID = 200;
const MAX_SUBJECT = 500;
const MAX_KEY = 200;
/** RFC 3339 with a zone, as CloudEvents requires for `time`. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const DATAREF = /^(?:\/api\/exchange\/v1\/attachments\/)?([0-9a-f]{64})$/;
/** Extension names the exchange reads or writes; anything else a publisher sends is dropped, not stored. */
const KNOWN = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'subject',
  'time',
  'datacontenttype',
  'dataschema',
  'data',
  'data_base64',
  'partitionkey',
  'correlationid',
  'dataref',
]);

export type EventReading = { event: InboundEvent; errors: [] } | { event: null; errors: FieldError[] };

/**
 * Reads one structured event; `pointer` prefixes every error (`/3` for the fourth of a batch).
 * @example readCloudEvent({ specversion: '1.0', id: 'e1', source: 'gaj-rk', type: 'huitong.population-basic.v1', data: {} })
 */
export function readCloudEvent(input: unknown, pointer = ''): EventReading {
  const errors: FieldError[] = [];
  const fail = (field: string, reason: string) => errors.push({ pointer: `${pointer}/${field}`, reason });
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { event: null, errors: [{ pointer: pointer || '/', reason: 'not_an_object' }] };
  }
  const event = input as Record<string, unknown>;
  if (event.specversion !== '1.0') fail('specversion', 'unsupported');
  const id = text(event.id, MAX_ID);
  if (!id) fail('id', event.id === undefined ? 'required' : 'invalid');
  const source = text(event.source, MAX_ID);
  if (!source) fail('source', event.source === undefined ? 'required' : 'invalid');
  const type = text(event.type, MAX_ID);
  if (!type) fail('type', event.type === undefined ? 'required' : 'invalid');
  const subject = optional(event.subject, MAX_SUBJECT, () => fail('subject', 'invalid'));
  const partitionKey = optional(event.partitionkey, MAX_KEY, () => fail('partitionkey', 'invalid'));
  const correlationId = optional(event.correlationid, MAX_ID, () => fail('correlationid', 'invalid'));
  let time: Date | null = null;
  if (event.time !== undefined && event.time !== null) {
    const parsed = typeof event.time === 'string' && RFC3339.test(event.time) ? new Date(event.time) : null;
    if (!parsed || Number.isNaN(parsed.getTime())) fail('time', 'not_rfc3339');
    else time = parsed;
  }
  let dataContentType = 'application/json';
  if (event.datacontenttype !== undefined) {
    const value = text(event.datacontenttype, 200);
    if (!value) fail('datacontenttype', 'invalid');
    else dataContentType = value.split(';')[0]!.trim().toLowerCase();
  }
  let dataRef: string | null = null;
  if (event.dataref !== undefined) {
    const match = typeof event.dataref === 'string' ? DATAREF.exec(event.dataref) : null;
    if (!match) fail('dataref', 'invalid');
    else dataRef = match[1]!;
  }
  let data: unknown;
  if (event.data !== undefined && event.data_base64 !== undefined) fail('data_base64', 'conflicts_with_data');
  else if (event.data_base64 !== undefined) {
    if (typeof event.data_base64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(event.data_base64)) {
      fail('data_base64', 'not_base64');
    } else {
      const bytes = Buffer.from(event.data_base64, 'base64');
      const decoded = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
      data = isJson(dataContentType) ? parseJson(decoded, () => fail('data_base64', 'not_json')) : decoded;
    }
  } else if (event.data === undefined || event.data === null) {
    fail('data', 'required');
  } else {
    data = event.data;
    if (!isJson(dataContentType) && typeof data !== 'string') fail('data', 'not_text');
  }
  for (const name of Object.keys(event)) {
    // CloudEvents: attribute names are lower-case letters and digits (data_base64 the one exception).
    if (!KNOWN.has(name) && !/^[a-z0-9]{1,20}$/.test(name)) fail(name, 'attribute_name_invalid');
  }
  if (errors.length > 0) return { event: null, errors };
  return {
    event: {
      id: id!,
      source: source!,
      type: type!,
      subject,
      time,
      dataContentType,
      data,
      partitionKey,
      correlationId,
      dataRef,
    },
    errors: [],
  };
}

export function isJson(contentType: string): boolean {
  return contentType === 'application/json' || contentType.endsWith('+json');
}

function text(value: unknown, max: number): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : null;
}

function optional(value: unknown, max: number, onInvalid: () => void): string | null {
  if (value === undefined || value === null) return null;
  const result = text(value, max);
  if (result === null) onInvalid();
  return result;
}

function parseJson(textValue: string, onInvalid: () => void): unknown {
  try {
    return JSON.parse(textValue);
  } catch {
    onInvalid();
    return undefined;
  }
}
