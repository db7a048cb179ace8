import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import '../../zod-jitless.js'; // first: the contracts below build zod schemas as they load
import {
  DefaultExcusedPolicy,
  attendanceRate,
  type AttendanceStatus,
  type ErrorBody,
  type ExcusedPolicy,
  type MarkChangeReply,
  type ReportIncomplete,
  type ReportReply,
  type ReportRow,
  type SessionView,
} from '@classconnect/contracts';
import { ApiError, type Auth } from '../../api.js';
import { downloadReportCsv } from './downloads.js';
import { ReportXlsxButton } from './downloads-ui.js';
import { errorText, formatDate, formatRate, formatTime, statusText, t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { FlagBadges } from '../roster/flags.js';
import { MarkEditor } from '../roster/mark-editor.js';
import { ErrorAlert, StatusBadge, Tile } from '../../ui.js';

const Statuses: AttendanceStatus[] = ['present', 'late', 'excused', 'absent'];

/** Shows a change by hand at once; the report:updated push then brings the stored report. */
function applyChange(report: ReportReply, change: MarkChangeReply): ReportReply {
  const rows = report.rows.map((r): ReportRow => {
    if (r.studentId !== change.studentId) return r;
    const checkinStatus = r.checkinStatus ?? (r.checkedInAt && !r.override && (r.status === 'present' || r.status === 'late') ? r.status : undefined);
    return {
      ...r,
      status: change.status,
      ...(checkinStatus ? { checkinStatus } : {}),
      override: { status: change.status, reason: change.reason, by: change.changedBy, at: change.changedAt },
    };
  });
  return { ...report, rows };
}

/** Says the report was built without some events it waited for; it updates itself when they arrive (report:updated). */
function IncompleteNote({ incomplete }: { incomplete?: ReportIncomplete }) {
  if (!incomplete) return null;
  const n = incomplete.missingStudentIds.length;
  const text =
    n === 0
      ? t('reportIncompleteOpened')
      : [n === 1 ? t('reportIncompleteOne') : t('reportIncompleteMany', { n }), incomplete.openedMissing ? t('reportIncompleteAlsoOpened') : ''].filter(Boolean).join(' ');
  return (
    <p className="alert alert-info" role="status" data-testid="report-incomplete">
      {text}
    </p>
  );
}

/**
 * A closed session's report: counts per status, one row per student with the check-in's proof,
 * changes by hand with their reason beside it, a way to change a status, and the CSV.
 */
export function Report(props: {
  live: Live;
  auth: Auth;
  session: Pick<SessionView, 'sessionId' | 'courseCode' | 'courseTitle'>;
  backLabel: string;
  onBack: () => void;
  /** Shown under the title (the teacher's "Reopen" after a Stop). */
  aside?: ReactNode;
}) {
  const { live, auth, session, backLabel, onBack, aside } = props;
  const [report, setReport] = useState<ReportReply | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [downloadError, setDownloadError] = useState<ErrorBody | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [saved, setSaved] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  // Arriving from Stop or the history: the teacher lands on the report's title.
  useLayoutEffect(() => heading.current?.focus(), []);

  const fetchOnce = useCallback(async () => {
    const res = await live.request('report:get', { sessionId: session.sessionId });
    if (res.ok) setReport(res.data);
    return res;
  }, [live, session.sessionId]);

  useEffect(() => {
    let cancelled = false;
    let wake: (() => void) | undefined;
    const offReady = live.on('report:ready', (r) => {
      if (r.sessionId === session.sessionId) wake?.();
    });
    // A change by hand (here or on a colleague's screen) updated the stored report: read it again.
    const offUpdated = live.on('report:updated', (r) => {
      if (r.sessionId === session.sessionId) void fetchOnce();
    });
    (async () => {
      // The report is built when the session closes: fetch it at once, and again on report:ready (or every 2 s).
      for (let attempt = 0; attempt < 60 && !cancelled; attempt++) {
        const res = await fetchOnce();
        if (cancelled || res.ok) return;
        if (res.error.code !== 'REPORT_NOT_READY' && res.error.code !== 'SESSION_NOT_FOUND' && res.error.code !== 'SERVICE_UNAVAILABLE') return setError(res.error);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 2_000);
        });
      }
    })();
    return () => {
      cancelled = true;
      offReady();
      offUpdated();
    };
  }, [live, session.sessionId, fetchOnce]);

  async function download() {
    setDownloadError(null);
    try {
      await downloadReportCsv(auth.accessToken, session.sessionId);
    } catch (err) {
      setDownloadError(err instanceof ApiError ? err.body : { code: 'INTERNAL', message: String(err) });
    }
  }

  const counts = { present: 0, late: 0, excused: 0, absent: 0 };
  for (const r of report?.rows ?? []) counts[r.status]++;

  return (
    <section aria-labelledby="report-title" className="stack">
      <div>
        <button type="button" className="link-button back-link" onClick={onBack}>
          <span aria-hidden="true">← </span>
          {backLabel}
        </button>
      </div>
      <div className="live-head">
        <div className="live-title">
          <p className="eyebrow eyebrow-plain">{t('reportTitle')}</p>
          <h1 id="report-title" tabIndex={-1} ref={heading}>
            {session.courseCode} · {session.courseTitle}
          </h1>
          {report && (
            <p className="muted" data-testid="report-when">
              {`${formatDate(report.openedAt)} · ${formatTime(report.openedAt)} – ${formatTime(report.closedAt)}`}
            </p>
          )}
        </div>
        {report && (
          <span className="course-actions">
            <button type="button" className="button button-primary" onClick={download}>
              {t('downloadCsv')}
            </button>
            <ReportXlsxButton token={auth.accessToken} sessionId={session.sessionId} />
          </span>
        )}
      </div>
      {aside}
      <ErrorAlert error={error ?? downloadError} />
      {!report ? (
        !error && (
          <p className="muted" role="status">
            {t('reportPreparing')}
          </p>
        )
      ) : (
        <>
          <IncompleteNote incomplete={report.incomplete} />
          <div className="tiles tiles-4">
            {Statuses.map((s) => (
              <Tile key={s} kind={s} label={statusText(s)} value={counts[s]} total={report.rows.length} />
            ))}
          </div>
          <SessionRate counts={counts} policy={report.excusedPolicy} />
          <div className="table-wrap">
            <table className="report stack-table" data-testid="report">
              <caption className="visually-hidden">{t('reportSummary', { present: counts.present + counts.late, absent: counts.absent + counts.excused })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('colName')}</th>
                  <th scope="col">{t('colStatus')}</th>
                  <th scope="col">{t('colTime')}</th>
                  <th scope="col">{t('colDistance')}</th>
                  <th scope="col">{t('colNote')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('changeStatus')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.rows.map((r) => (
                  <Fragment key={r.studentId}>
                    <tr className={`status-${r.status}`} data-student={r.studentId}>
                      <th scope="row">{r.name}</th>
                      <td data-label={t('colStatus')}>
                        <StatusBadge status={r.status} />
                      </td>
                      <td data-label={t('colTime')}>{formatTime(r.checkedInAt)}</td>
                      <td data-label={t('colDistance')}>{r.distanceM === undefined ? '' : t('metres', { n: Math.round(r.distanceM) })}</td>
                      <td className="note" data-label={t('colNote')}>
                        {r.override && (
                          <span className="note-line override" data-testid="override">
                            {t('changedByAt', { time: formatTime(r.override.at), reason: r.override.reason })}
                          </span>
                        )}
                        {r.override && r.checkinStatus && <span className="note-line">{t('checkinGave', { status: statusText(r.checkinStatus) })}</span>}
                        {r.lastRejection && <span className="note-line">{t('lastTry', { reason: errorText(r.lastRejection).short })}</span>}
                        <FlagBadges flags={r.flags} />
                      </td>
                      <td className="actions">
                        <button
                          type="button"
                          className="button button-secondary button-small"
                          aria-expanded={editing === r.studentId}
                          aria-label={t('changeStatusFor', { name: r.name })}
                          onClick={() => setEditing(editing === r.studentId ? null : r.studentId)}
                        >
                          {t('changeStatus')}
                        </button>
                      </td>
                    </tr>
                    {editing === r.studentId && (
                      <tr className="mark-row">
                        <td colSpan={6}>
                          <MarkEditor
                            live={live}
                            sessionId={session.sessionId}
                            student={{ id: r.studentId, name: r.name }}
                            current={r.status}
                            onCancel={() => setEditing(null)}
                            onSaved={(change) => {
                              setEditing(null);
                              setSaved(t('markSaved', { name: r.name, status: statusText(change.status) }));
                              setReport((rep) => (rep ? applyChange(rep, change) : rep));
                            }}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <p className="visually-hidden" role="status">
        {saved}
      </p>
    </section>
  );
}

/**
 * The session's attendance rate under the course's excused policy, recounted from the rows shown
 * (a change by hand after Stop changes it at once), with how excused students count.
 */
function SessionRate({ counts, policy = DefaultExcusedPolicy }: { counts: Record<AttendanceStatus, number>; policy?: ExcusedPolicy }) {
  const rate = attendanceRate(counts, policy);
  return (
    <p className="rate-line" data-testid="report-rate">
      <strong>{rate === null ? t('reportNoRate') : t('reportRate', { rate: formatRate(rate) })}</strong>
      <span className="muted"> · {t(`reportRateNote_${policy}`)}</span>
    </p>
  );
}
