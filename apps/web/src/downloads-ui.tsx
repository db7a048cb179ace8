import { useState } from 'react';
import type { ErrorBody } from '@classconnect/contracts';
import { ApiError } from './api.js';
import { downloadCourse, downloadMyRecords, downloadReportXlsx } from './downloads.js';
import { t } from './i18n.js';
import { ErrorAlert } from './ui.js';

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
