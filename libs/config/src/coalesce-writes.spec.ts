import { Duplex } from 'node:stream';
import { coalesceWrites } from './coalesce-writes.js';

/** A socket stand-in that records each system call it would make: one entry per write or writev, with its chunks. */
function recordingSocket() {
  const calls: string[][] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      calls.push([chunk.toString()]);
      callback();
    },
    writev(chunks, callback) {
      calls.push(chunks.map((c) => Buffer.from(c.chunk as Buffer).toString()));
      callback();
    },
  });
  return { socket, calls };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesceWrites', () => {
  it('sends what one turn wrote in one call, and the next turn in another', async () => {
    const { socket, calls } = recordingSocket();
    coalesceWrites(socket);
    socket.write('PUB a\r\n');
    await Promise.resolve(); // a microtask later, as the clients flush: still the same turn
    socket.write('PUB b\r\n');
    socket.write('PUB c\r\n');
    expect(calls).toEqual([]);
    await nextTurn();
    expect(calls).toEqual([['PUB a\r\n', 'PUB b\r\n', 'PUB c\r\n']]);
    socket.write('PING\r\n');
    await nextTurn();
    expect(calls).toEqual([['PUB a\r\n', 'PUB b\r\n', 'PUB c\r\n'], ['PING\r\n']]);
  });

  it('calls each write’s callback once its data is written, and wraps a socket once', async () => {
    const { socket, calls } = recordingSocket();
    coalesceWrites(socket);
    coalesceWrites(socket);
    const written: string[] = [];
    socket.write('one', () => written.push('one'));
    socket.write('two', () => written.push('two'));
    await nextTurn();
    await nextTurn();
    expect(written).toEqual(['one', 'two']);
    expect(calls).toEqual([['one', 'two']]);
    expect(socket.writableCorked).toBe(0);
  });
});
