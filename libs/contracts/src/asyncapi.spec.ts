/**
 * The contract that cannot drift: docs/asyncapi.yaml, parsed with @asyncapi/parser, against the
 * events libs/contracts publishes — both ways. Every published event has a channel whose payload
 * is its CloudEvent with the data schema generated from its zod schema; every channel is an event
 * that is published; and the document's generated block is what the contract generates today.
 * `npm run asyncapi` rewrites the block (UPDATE_ASYNCAPI=1 runs this spec in write mode).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Parser, type AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { cloudEventTypeOf, currentBlock, generatedBlock, generatedSchemas, PublishedEventSchemas, schemaNameOf, withGeneratedBlock } from './asyncapi-schemas.js';

const docPath = join(import.meta.dirname, '../../../docs/asyncapi.yaml');
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The schema's meaning only: no prose, no parser bookkeeping, local $refs replaced by what they name. */
function meaning(node: Json, components: Record<string, Json>): Json {
  if (Array.isArray(node)) return node.map((n) => meaning(n, components));
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') return meaning(components[node.$ref.split('/').pop()!]!, components);
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' || k === 'title' || k === 'examples' || k.startsWith('x-parser-')) continue;
    out[k] = k === 'properties' && v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, meaning(s, components)])) : meaning(v, components);
  }
  return out;
}

describe('docs/asyncapi.yaml', () => {
  let text: string;
  let doc: AsyncAPIDocumentInterface;
  const subjects = Object.keys(PublishedEventSchemas).sort();
  const generated = generatedSchemas() as unknown as Record<string, Json>;

  beforeAll(async () => {
    text = readFileSync(docPath, 'utf8');
    const parser = new Parser();
    // Write mode regenerates before parsing: a message naming a schema the block does not hold yet
    // (a new event) would not parse.
    if (process.env.UPDATE_ASYNCAPI === '1') {
      text = withGeneratedBlock(text, generatedBlock(text));
      writeFileSync(docPath, text);
    }
    const { document, diagnostics } = await parser.parse(text);
    const errors = diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
    doc = document!;
  });

  it('holds the schemas generated from libs/contracts (run `npm run asyncapi` after changing an event)', () => {
    expect(withGeneratedBlock(text, generatedBlock(text))).toEqual(text);
  });

  it('has a channel for every event that is published, carrying its CloudEvent and the contract’s data schema', () => {
    const channels = new Map(doc.channels().all().map((c) => [c.address(), c]));
    const missing = subjects.filter((s) => !channels.has(s));
    expect(missing).toEqual([]);
    for (const subject of subjects) {
      const name = schemaNameOf(subject);
      const messages = channels.get(subject)!.messages().all();
      expect({ subject, messages: messages.length }).toEqual({ subject, messages: 1 });
      const payload = messages[0]!.payload()!.json() as { allOf: { properties: { type: { const: string }; data: Json } }[] };
      expect({ subject, type: payload.allOf[1]!.properties.type.const }).toEqual({ subject, type: cloudEventTypeOf(subject) });
      expect({ subject, data: meaning(payload.allOf[1]!.properties.data, generated) }).toEqual({ subject, data: meaning(generated[name]!, generated) });
      // Each channel's messages are sent by an operation.
      expect({ subject, operations: channels.get(subject)!.operations().all().filter((o) => o.action() === 'send').length }).toEqual({ subject, operations: 1 });
    }
  });

  it('documents no channel for an event that is not published', () => {
    const extra = doc
      .channels()
      .all()
      .map((c) => c.address()!)
      .filter((a) => !subjects.includes(a));
    expect(extra).toEqual([]);
  });

  it('reads back the block it writes (so descriptions written in the YAML survive regeneration)', () => {
    const block = generatedBlock();
    expect(currentBlock(block)).toEqual(generatedSchemas());
  });

  it('can fail: a data schema that differs from the contract is seen', () => {
    const subject = 'attendance.session.opened.v1';
    const changed = JSON.parse(JSON.stringify(generated)) as Record<string, { required: string[] }>;
    changed[schemaNameOf(subject)]!.required.pop();
    expect(meaning(changed[schemaNameOf(subject)] as unknown as Json, generated)).not.toEqual(meaning(generated[schemaNameOf(subject)]!, generated));
  });
});
