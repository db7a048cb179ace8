/**
 * Runs a hook inside a real component (Preact, as the built client does) in the test's page, and
 * keeps what it returned after every render: `result.current` is the latest.
 */
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { act } from 'preact/test-utils';

export interface HookHandle<T> {
  result: { current: T };
  /** Lets effects, state updates and pending promises settle. */
  settle: () => Promise<void>;
  unmount: () => void;
}

export function renderHook<T>(use: () => T): HookHandle<T> {
  const result = { current: undefined as T };
  function Probe() {
    result.current = use();
    return null;
  }
  const root = createRoot(document.createElement('div'));
  act(() => root.render(createElement(Probe)));
  return {
    result,
    settle: () =>
      act(async () => {
        for (let i = 0; i < 5; i++) await Promise.resolve();
      }),
    unmount: () => act(() => root.unmount()),
  };
}
