/**
 * docs/asyncapi.yaml's schemas, generated from the contract so the two cannot drift: for every
 * published event its data schema (JSON Schema from the zod schema, `z.toJSONSchema`) and its
 * CloudEvent envelope (`<Name>Event`), plus the shared `Uuid` and `IsoTime`. They are written as
 * one block at the end of the document's `components.schemas`, between two marker lines; everything
 * else in the document (channels, messages, operations, prose) is written by hand.
 *
 * Descriptions: a zod schema's own (`.describe()` / `.meta({ description })`) wins; otherwise the
 * one the document already has at the same place is kept, so prose written in the YAML survives
 * regeneration. Not imported by the index: only the drift test (asyncapi.spec.ts) and
 * `npm run asyncapi` use it.
 */
import { z } from 'zod';
import { EventSchemas, eventTypeOf, type EventSubject } from './events.js';
import { DeadLetterRecordedV1, DeadLetterReplayedV1, DeadLetterSubjects } from './operations/dead-letters.js';
import { Id, IsoTime } from './primitives.js';

export const GeneratedBlockStart = '    # ---------- generated from libs/contracts by `npm run asyncapi`: change the zod schemas, not this block (descriptions here are kept) ----------';
export const GeneratedBlockEnd = '    # ---------- end of the generated schemas ----------';

/** Every event published on a stream, by subject: ATTENDANCE and DIRECTORY (events.ts) and DEADLETTER. */
export const PublishedEventSchemas: Record<string, z.ZodType> = {
  ...EventSchemas,
  [DeadLetterSubjects.recorded]: DeadLetterRecordedV1,
  [DeadLetterSubjects.replayed]: DeadLetterReplayedV1,
};

const Words: Record<string, string> = { signin: 'SignIn', deadletter: 'DeadLetter' };

/** `attendance.session.opened.v1` → `SessionOpenedV1`; `directory.signin.revoked.v1` → `SignInRevokedV1`. */
export function schemaNameOf(subject: string): string {
  const parts = subject.split('.');
  const version = parts.pop()!;
  if (parts[0] === 'attendance' || parts[0] === 'directory') parts.shift();
  const words = parts.flatMap((p) => (Words[p] ? [Words[p]] : p.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1))));
  return words.join('') + version.toUpperCase();
}

/** The CloudEvents `type` of a subject (dead letters too). */
export function cloudEventTypeOf(subject: string): string {
  return subject in EventSchemas ? eventTypeOf(subject as EventSubject) : `edu.classconnect.${subject}`;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const Ref = (name: string) => `#/components/schemas/${name}`;
const SafeIntegerBound = 9007199254740991;

/** Drops what only adds noise to a reader: `$schema`, `$id`, the safe-integer bounds zod writes on every integer. */
function tidy(node: Json): Json {
  if (Array.isArray(node)) return node.map(tidy);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$schema' || k === '$id') continue;
    if ((k === 'minimum' && v === -SafeIntegerBound) || (k === 'maximum' && v === SafeIntegerBound)) continue;
    out[k] = tidy(v);
  }
  return out;
}

/** The generated schemas by component name, in document order: Uuid, IsoTime, then per event its envelope and its data. */
export function generatedSchemas(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  registry.add(Id, { id: 'Uuid' });
  registry.add(IsoTime, { id: 'IsoTime' });
  const subjects = Object.keys(PublishedEventSchemas).sort();
  for (const subject of subjects) registry.add(PublishedEventSchemas[subject]!, { id: schemaNameOf(subject) });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-7', uri: Ref, unrepresentable: 'any', io: 'output' }) as unknown as { schemas: Record<string, Json> };
  const out: Record<string, JsonObject> = {
    Uuid: { description: 'A UUID (RFC 9562 versions 1–8, or the nil or max UUID).', ...(tidy(schemas.Uuid!) as JsonObject) },
    IsoTime: { description: 'RFC 3339 date-time with an offset. ClassConnect writes UTC with milliseconds, e.g. `2026-03-02T09:00:00.000Z`.', ...(tidy(schemas.IsoTime!) as JsonObject) },
  };
  for (const subject of subjects) {
    const name = schemaNameOf(subject);
    out[`${name}Event`] = {
      allOf: [{ $ref: Ref('CloudEvent') }, { type: 'object', properties: { type: { const: cloudEventTypeOf(subject) }, data: { $ref: Ref(name) } } }],
    };
    out[name] = tidy(schemas[name]!) as JsonObject;
  }
  return out;
}

/** Copies descriptions from `old` (the block's current schema) where `gen` has none. */
function keepDescriptions(gen: Json, old: Json | undefined): Json {
  if (gen === null || typeof gen !== 'object' || old === null || typeof old !== 'object' || old === undefined) return gen;
  if (Array.isArray(gen)) return Array.isArray(old) ? gen.map((g, i) => keepDescriptions(g, old[i])) : gen;
  if (Array.isArray(old)) return gen;
  const out: JsonObject = {};
  if (typeof old.description === 'string' && gen.description === undefined) out.description = old.description;
  for (const [k, v] of Object.entries(gen)) {
    if (k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)) {
      const oldProps = (old.properties ?? {}) as JsonObject;
      out.properties = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, keepDescriptions(s, oldProps[p])]));
    } else if (k === 'items' || k === 'allOf' || k === 'anyOf' || k === 'oneOf' || k === 'additionalProperties') {
      out[k] = keepDescriptions(v, old[k]);
    } else out[k] = v;
  }
  return out;
}

/** The block's text, keeping the descriptions of the block already in `doc` (if any). */
export function generatedBlock(doc = ''): string {
  return blockKeeping(currentBlock(doc));
}

/** The block's text, keeping the descriptions of `current` (schemas by name, as written). */
export function blockKeeping(current: Record<string, Json>): string {
  const lines = [GeneratedBlockStart];
  for (const [name, schema] of Object.entries(generatedSchemas())) {
    lines.push(`    ${name}:`, ...yamlLines(keepDescriptions(schema, current[name]), 6));
  }
  lines.push(GeneratedBlockEnd);
  return lines.join('\n') + '\n';
}

/** The schemas of the block in `doc`, as written (their $refs unresolved). */
export function currentBlock(doc: string): Record<string, Json> {
  const start = doc.indexOf(GeneratedBlockStart);
  const end = doc.indexOf(GeneratedBlockEnd);
  if (start < 0 || end < start) return {};
  const lines = doc.slice(start + GeneratedBlockStart.length, end).split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  return readYaml(lines, 4) as Record<string, Json>;
}

/** Replaces the block in the document (or appends it to the end, where components.schemas is). */
export function withGeneratedBlock(doc: string, block: string): string {
  const start = doc.indexOf(GeneratedBlockStart);
  const end = doc.indexOf(GeneratedBlockEnd);
  if (start < 0 || end < start) return doc.replace(/\n*$/, '\n') + block;
  return doc.slice(0, start) + block + doc.slice(end + GeneratedBlockEnd.length).replace(/^\n/, '');
}

// ---------- a small YAML writer and reader for JSON Schema, in the forms the writer uses ----------

const Plain = /^[A-Za-z_$][A-Za-z0-9_ .,()/$#-]*$/;
const Reserved = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

function scalar(v: Json, flow = false): string {
  if (typeof v === 'string') {
    const plain = Plain.test(v) && !Reserved.test(v) && !v.endsWith(' ') && !v.includes(' #') && !(flow && /[,()]/.test(v));
    return plain ? v : `'${v.replace(/'/g, "''")}'`;
  }
  return JSON.stringify(v);
}

function isScalar(v: Json): boolean {
  return v === null || typeof v !== 'object';
}

function yamlLines(value: Json, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    const out: string[] = [];
    for (const item of value) {
      if (isScalar(item)) out.push(`${pad}- ${scalar(item)}`);
      else {
        const inner = yamlLines(item, indent + 2);
        out.push(`${pad}- ${inner[0]!.trimStart()}`, ...inner.slice(1));
      }
    }
    return out;
  }
  const out: string[] = [];
  for (const [k, v] of Object.entries(value as JsonObject)) {
    const key = Plain.test(k) && !k.includes(' ') ? k : `'${k}'`;
    if (typeof v === 'string' && v.includes('\n')) {
      out.push(`${pad}${key}: ${v.endsWith('\n') ? '|' : '|-'}`, ...v.replace(/\n$/, '').split('\n').map((l) => (l ? `${pad}  ${l}` : '')));
    } else if (isScalar(v)) out.push(`${pad}${key}: ${scalar(v)}`);
    else if (Array.isArray(v) && v.length === 0) out.push(`${pad}${key}: []`);
    else if (Array.isArray(v) && v.every(isScalar) && `${pad}${key}: [${v.map((x) => scalar(x, true)).join(', ')}]`.length <= 110) out.push(`${pad}${key}: [${v.map((x) => scalar(x, true)).join(', ')}]`);
    else if (!Array.isArray(v) && Object.keys(v as JsonObject).length === 0) out.push(`${pad}${key}: {}`);
    else out.push(`${pad}${key}:`, ...yamlLines(v, indent + 2));
  }
  return out;
}

function readScalar(text: string): Json {
  const t = text.trim();
  if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  if (t === 'true' || t === 'false' || t === 'null' || /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(t)) return JSON.parse(t);
  return t;
}

/** Splits `[a, 'b, c', d]` into its items. */
function readFlow(text: string): Json[] {
  const inner = text.trim().slice(1, -1).trim();
  if (!inner) return [];
  const items: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c === "'" && quoted && inner[i + 1] === "'") {
      cur += "''";
      i++;
    } else if (c === "'") {
      quoted = !quoted;
      cur += c;
    } else if (c === ',' && !quoted) {
      items.push(cur);
      cur = '';
    } else cur += c;
  }
  items.push(cur);
  return items.map(readScalar);
}

/** Reads the lines written by yamlLines at `indent` (a mapping or a sequence) into JSON. */
function readYaml(lines: string[], indent: number): Json {
  let i = 0;
  const indentOf = (l: string) => l.length - l.trimStart().length;
  function value(rest: string, childIndent: number): Json {
    const r = rest.trim();
    if (r === '|' || r === '|-') {
      const block: string[] = [];
      while (i < lines.length && (lines[i]!.trim() === '' || indentOf(lines[i]!) >= childIndent)) block.push(lines[i++]!.slice(childIndent));
      return block.join('\n') + (r === '|' ? '\n' : '');
    }
    if (r === '') return node(childIndent);
    if (r === '{}') return {};
    if (r.startsWith('[')) return readFlow(r);
    return readScalar(r);
  }
  function node(at: number): Json {
    if (i >= lines.length || indentOf(lines[i]!) < at) return null;
    if (lines[i]!.trimStart().startsWith('- ')) {
      const out: Json[] = [];
      while (i < lines.length && indentOf(lines[i]!) === at && lines[i]!.trimStart().startsWith('- ')) {
        const item = lines[i]!.slice(at + 2);
        if (/^('[^']*'|[^':]+):( |$)/.test(item)) {
          // A mapping that starts on the dash's line: read it as if the dash were spaces.
          lines[i] = ' '.repeat(at + 2) + item;
          out.push(node(at + 2));
        } else {
          i++;
          out.push(readScalar(item));
        }
      }
      return out;
    }
    const out: JsonObject = {};
    while (i < lines.length && indentOf(lines[i]!) === at && !lines[i]!.trimStart().startsWith('- ')) {
      const line = lines[i++]!.slice(at);
      const m = /^('(?:[^']|'')*'|[^:]+):(.*)$/.exec(line)!;
      const key = m[1]!.startsWith("'") ? m[1]!.slice(1, -1).replace(/''/g, "'") : m[1]!;
      out[key] = value(m[2]!, at + 2);
    }
    return out;
  }
  return node(indent);
}
