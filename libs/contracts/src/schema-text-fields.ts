/**
 * Where strings sit in a message schema, found by walking it. The specs use it to send a control
 * character in every text field of every client event and HTTP body (libs/contracts
 * text-fields.spec.ts, test/e2e/text-at-the-edge.spec.ts), so a field added tomorrow is tested
 * the day it is added, without anyone listing it.
 */
import type { z } from 'zod';

/** A field's place in a value: object keys, and 0 for the items of an array. */
export type FieldPath = (string | number)[];

export interface SchemaTextFields {
  /** Every place a string goes. */
  strings: FieldPath[];
  /** Places that take any value without looking (`*` for a record's values). */
  opaque: string[];
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

export function schemaTextFields(schema: z.ZodType, path: FieldPath = [], found: SchemaTextFields = { strings: [], opaque: [] }): SchemaTextFields {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      found.strings.push(path);
      break;
    case 'object':
      for (const [key, field] of Object.entries(def.shape!)) schemaTextFields(field, [...path, key], found);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      schemaTextFields(def.innerType!, path, found);
      break;
    case 'pipe':
      schemaTextFields(def.in!, path, found);
      schemaTextFields(def.out!, path, found);
      break;
    case 'array':
      schemaTextFields(def.element!, [...path, 0], found);
      break;
    case 'union':
      for (const option of def.options!) schemaTextFields(option, path, found);
      break;
    case 'record':
      found.opaque.push([...path, '*'].join('.'));
      break;
    case 'unknown':
    case 'any':
      found.opaque.push(path.join('.'));
      break;
    case 'transform': // the preprocess half of a pipe: the schema is its other half
    case 'number':
    case 'boolean':
    case 'enum':
    case 'literal':
      break;
    default:
      // A kind of schema nobody taught the walk: better to stop than to skip a field silently.
      throw new Error(`schemaTextFields does not know ${def.type} schemas (at ${path.join('.') || '(root)'})`);
  }
  return found;
}

/** `{ a: { b: [value] } }` for the path a.b.0: a value with only that field given. */
export function valueAt(path: FieldPath, value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => (typeof key === 'number' ? [inner] : { [key]: inner }), value);
}
