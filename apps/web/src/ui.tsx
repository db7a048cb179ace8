import type { ErrorBody } from '@classconnect/contracts';
import { errorText } from './i18n.js';

/** An error for people: the sentence for its code (what went wrong, what to do), or a ready sentence. */
export function ErrorAlert({ error }: { error: ErrorBody | string | null }) {
  if (!error) return null;
  const text = typeof error === 'string' ? error : `${errorText(error.code).problem} ${errorText(error.code).todo}`;
  return (
    <p className="alert alert-error" role="alert">
      {text}
    </p>
  );
}
