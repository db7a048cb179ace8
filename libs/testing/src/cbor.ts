/**
 * A minimal CBOR encoder (RFC 8949), enough for WebAuthn test data: attestation objects and COSE
 * keys. Integers, byte strings, text strings, arrays and maps; nothing else is needed.
 */
export type CborValue = number | Uint8Array | string | CborValue[] | Map<CborValue, CborValue> | { [key: string]: CborValue };

const MajorType = { unsigned: 0, negative: 1, bytes: 2, text: 3, array: 4, map: 5 } as const;

/** Encodes a value; plain objects become maps with text keys, Maps keep their own keys (COSE uses integers). */
export function cborEncode(value: CborValue): Uint8Array {
  const parts: Uint8Array[] = [];
  encodeInto(value, parts);
  return concatBytes(parts);
}

function encodeInto(value: CborValue, out: Uint8Array[]): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`CBOR encoder only handles safe integers, got ${value}`);
    if (value >= 0) out.push(head(MajorType.unsigned, value));
    else out.push(head(MajorType.negative, -1 - value));
  } else if (typeof value === 'string') {
    const bytes = new TextEncoder().encode(value);
    out.push(head(MajorType.text, bytes.length), bytes);
  } else if (value instanceof Uint8Array) {
    out.push(head(MajorType.bytes, value.length), value);
  } else if (Array.isArray(value)) {
    out.push(head(MajorType.array, value.length));
    for (const item of value) encodeInto(item, out);
  } else {
    const entries: [CborValue, CborValue][] = value instanceof Map ? [...value.entries()] : Object.entries(value);
    out.push(head(MajorType.map, entries.length));
    for (const [k, v] of entries) {
      encodeInto(k, out);
      encodeInto(v, out);
    }
  }
}

/** The initial byte(s): major type in the top 3 bits, then the argument in the shortest form. */
function head(major: number, argument: number): Uint8Array {
  const type = major << 5;
  if (argument < 24) return Uint8Array.of(type | argument);
  if (argument < 0x100) return Uint8Array.of(type | 24, argument);
  if (argument < 0x10000) return Uint8Array.of(type | 25, argument >> 8, argument & 0xff);
  if (argument < 0x100000000) {
    const b = new Uint8Array(5);
    b[0] = type | 26;
    new DataView(b.buffer).setUint32(1, argument);
    return b;
  }
  const b = new Uint8Array(9);
  b[0] = type | 27;
  new DataView(b.buffer).setBigUint64(1, BigInt(argument));
  return b;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
