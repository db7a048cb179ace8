import { useCallback, useEffect, useState } from 'react';
import type { AuditEntry, ErrorBody } from '@classconnect/contracts';
import { formatDate, formatTime, t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { ErrorAlert } from '../../ui.js';
import { auditText } from './audit-text.js';

const PageSize = 50;

/** The filters offered: one event type each (the audit log's `action`). */
const Filters = [
  ['', 'auditAll'],
  ['directory.account.created.v1', 'auditAccountsCreated'],
  ['directory.account.updated.v1', 'auditAccountsChanged'],
  ['directory.account.status-changed.v1', 'auditAccountStatus'],
  ['directory.course.changed.v1', 'auditCourses'],
  ['directory.enrollment.changed.v1', 'auditEnrollments'],
  ['attendance.session.opened.v1', 'auditSessionsOpened'],
  ['attendance.session.closed.v1', 'auditSessionsClosed'],
  ['attendance.mark.changed.v1', 'auditMarks'],
  ['directory.device.decided.v1', 'auditDevices'],
  ['directory.account.erased.v1', 'auditErasures'],
] as const;

/** Who did what and when, newest first, with older pages on demand. */
export function AuditPanel({ live }: { live: Live }) {
  const [action, setAction] = useState('');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);

  const load = useCallback(
    async (before?: number) => {
      const res = await live.request('audit:list', { limit: PageSize, ...(action ? { action } : {}), ...(before ? { before } : {}) });
      if (!res.ok) return setError(res.error);
      setError(null);
      setEntries((prev) => (before && prev ? [...prev, ...res.data.entries] : res.data.entries));
      setMore(res.data.entries.length === PageSize);
    },
    [live, action],
  );
  useEffect(() => live.onConnect(() => void load()), [live, load]);

  return (
    <section className="panel stack" aria-labelledby="audit-title">
      <div className="section-head">
        <h2 id="audit-title">{t('adminTabAudit')}</h2>
        <button type="button" className="button button-secondary button-small" onClick={() => void load()}>
          {t('auditRefresh')}
        </button>
      </div>
      <p className="muted">{t('auditIntro')}</p>
      <div>
        <label htmlFor="audit-filter">{t('auditShow')}</label>
        <select id="audit-filter" value={action} onChange={(e) => setAction(e.target.value)}>
          {Filters.map(([value, key]) => (
            <option key={key} value={value}>
              {t(key)}
            </option>
          ))}
        </select>
      </div>
      <ErrorAlert error={error} />
      {entries &&
        (entries.length === 0 ? (
          <p className="calm">{t('auditNone')}</p>
        ) : (
          <ol className="admin-list audit-list" data-testid="audit-list">
            {entries.map((e) => (
              <li key={e.id} className="admin-item audit-item">
                <div className="admin-item-main">
                  <span className="audit-summary">{auditText(e)}</span>
                  <span className="admin-item-sub">
                    <time dateTime={e.at}>
                      {formatDate(e.at)}, {formatTime(e.at)}
                    </time>
                    {' · '}
                    {e.actorId ? (e.actorName ?? e.actorId) : t('auditSystem')}
                  </span>
                </div>
              </li>
            ))}
          </ol>
        ))}
      {more && entries && (
        <div>
          <button type="button" className="button button-secondary" onClick={() => void load(entries[entries.length - 1]!.id)}>
            {t('auditMore')}
          </button>
        </div>
      )}
    </section>
  );
}
