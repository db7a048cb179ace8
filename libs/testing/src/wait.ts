/**
 * Polls until `find` gives a value (anything but undefined, null or false) and returns it; fails
 * naming `what` after `timeoutMs`. For tests that wait on something another process does.
 */
export async function waitFor<T>(find: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined && found !== null && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
