import { useState } from 'react';
import type { ErrorBody } from '@classconnect/contracts';
import { ApiError } from '../../api.js';
import { downloadCourse, downloadMyData, downloadMyRecords, downloadPersonData, downloadReportXlsx } from './downloads.js';
import { t } from '../../i18n.js';
import { ErrorAlert } from '../../ui.js';

const asError = (err: unknown): ErrorBody => (err instanceof ApiError ? err.body : { code: 'INTERNAL', message: String(err) });

/** Beside the report's CSV button: the same report as a spreadsheet. */
export function ReportXlsxButton({ token, sessionId }: { token: string; sessionId: string }) {
  const [error, setError] = useState<ErrorBody | null>(null);
  return (
    <>
      <button
        type="button"
        className="button button-secondary"
        onClick={() => {
          setError(null);
          downloadReportXlsx(token, sessionId).catch((err: unknown) => setError(asError(err)));
        }}
      >
        {t('downloadXlsx')}
      </button>
      {error && <ErrorAlert error={error} />}
    </>
  );
}

/** On the student's history screen: their own records, every session of every course. */
export function RecordsDownload({ token }: { token: string }) {
  const [error, setError] = useState<ErrorBody | null>(null);
  const get = (format: 'csv' | 'json') => {
    setError(null);
    downloadMyRecords(token, format).catch((err: unknown) => setError(asError(err)));
  };
  return (
    <section className="panel stack" aria-labelledby="records-title" data-testid="records-download">
      <h2 id="records-title">{t('recordsTitle')}</h2>
      <p className="muted">{t('recordsIntro')}</p>
      <ErrorAlert error={error} />
      <div className="records-downloads">
        <button type="button" className="button button-secondary" onClick={() => get('csv')}>
          {t('recordsCsv')}
        </button>
        <button type="button" className="button button-secondary" onClick={() => get('json')}>
          {t('recordsJson')}
        </button>
      </div>
    </section>
  );
}

/** On a course's history: the whole course in one file (a row per student, a column per session, the rate). */
export function CourseDownload({ token, courseId }: { token: string; courseId: string }) {
  const [error, setError] = useState<ErrorBody | null>(null);
  const get = (format: 'csv' | 'xlsx') => {
    setError(null);
    downloadCourse(token, courseId, format).catch((err: unknown) => setError(asError(err)));
  };
  return (
    <div className="stack" data-testid="course-download">
      <span className="course-actions">
        <button type="button" className="button button-secondary" onClick={() => get('xlsx')}>
          {t('courseXlsx')}
        </button>
        <button type="button" className="button button-secondary" onClick={() => get('csv')}>
          {t('courseCsv')}
        </button>
      </span>
      <ErrorAlert error={error} />
    </div>
  );
}

/**
 * One download with its own busy state and error: a person's data can take some seconds to gather
 * (every service answers for its part), so the button says it is working and refuses a second click.
 */
function useDownload(get: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const start = () => {
    setBusy(true);
    setError(null);
    get()
      .catch((err: unknown) => setError(asError(err)))
      .finally(() => setBusy(false));
  };
  return { busy, error, start };
}

/** For everyone signed in (student, teacher, admin): all their own data in one JSON file. */
export function MyDataDownload({ token }: { token: string }) {
  const { busy, error, start } = useDownload(() => downloadMyData(token));
  return (
    <section className="panel stack" aria-labelledby="my-data-title" data-testid="my-data-download">
      <h2 id="my-data-title">{t('myDataTitle')}</h2>
      <p className="muted">{t('myDataIntro')}</p>
      <ErrorAlert error={error} />
      <div>
        <button type="button" className="button button-secondary" onClick={start} disabled={busy} aria-busy={busy}>
          {busy ? t('dataPreparing') : t('myDataButton')}
        </button>
      </div>
    </section>
  );
}

/** An admin's "Download data" for one person on the People list; the error, if any, shows below the row's buttons. */
export function PersonDataButton({ token, userId, name }: { token: string; userId: string; name: string }) {
  const { busy, error, start } = useDownload(() => downloadPersonData(token, userId));
  return (
    <>
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={start}
        disabled={busy}
        aria-busy={busy}
        aria-label={busy ? undefined : t('personDataNamed', { name })}
      >
        {busy ? t('dataPreparing') : t('personData')}
      </button>
      {error && (
        <div className="person-data-error">
          <ErrorAlert error={error} />
        </div>
      )}
    </>
  );
}
