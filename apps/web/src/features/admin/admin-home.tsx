/**
 * The administrator's console: People, Courses, Rooms, …, the Audit log and Dead letters, as tabs. Mobile-first: every
 * list is a column of cards on a phone and wraps into rows on a laptop.
 */
import { useEffect, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { CourseView } from '@classconnect/contracts';
import type { Auth } from '../../api.js';
import { t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { AuditPanel } from './audit-panel.js';
import { DeadLettersPanel } from './dead-letters-panel.js';
import { CoursesPanel } from './courses-panel.js';
import { PeoplePanel } from './people-panel.js';
import { PendingDevicesPanel } from '../checkin/devices.js';
import { MyDataDownload } from '../reports/downloads-ui.js';
import { RoomsPanel } from './rooms-panel.js';
import { EnrollmentsPanel } from './enrollments-panel.js';
import { RosterImport } from './roster-import.js';
import { WebhooksPanel, webhooksTabLabel } from './webhooks.js';
import './admin.css';

interface AdminTab {
  id: string;
  label: string;
  render: (live: Live, auth: Auth) => ReactNode;
}

/** The console's sections, in tab order: one entry each. */
function adminTabs(): AdminTab[] {
  return [
    { id: 'people', label: t('adminTabPeople'), render: (live, auth) => <PeoplePanel live={live} auth={auth} /> },
    { id: 'courses', label: t('adminTabCourses'), render: (live) => <CoursesPanel live={live} /> },
    { id: 'rooms', label: t('adminTabRooms'), render: (live) => <RoomsPanel live={live} /> },
    { id: 'enrolments', label: t('adminTabEnrolments'), render: (live) => <AllCourses live={live} render={(courses) => <EnrollmentsPanel live={live} courses={courses} />} /> },
    { id: 'import', label: t('adminTabImport'), render: (live) => <AllCourses live={live} render={(courses) => <RosterImport live={live} courses={courses} />} /> },
    { id: 'devices', label: t('adminTabDevices'), render: (live) => <PendingDevicesPanel live={live} standalone /> },
    { id: 'audit', label: t('adminTabAudit'), render: (live) => <AuditPanel live={live} /> },
    { id: 'dead-letters', label: t('adminTabDeadLetters'), render: (live) => <DeadLettersPanel live={live} /> },
    { id: 'webhooks', label: webhooksTabLabel(), render: (live) => <WebhooksPanel live={live} /> },
  ];
}

export function AdminHome({ live, auth }: { live: Live; auth: Auth }) {
  const tabs = adminTabs();
  const [current, setCurrent] = useState(tabs[0]!.id);
  const tab = tabs.find((x) => x.id === current) ?? tabs[0]!;

  // Arrow keys move between tabs, as the WAI-ARIA tabs pattern describes.
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = tabs.findIndex((x) => x.id === current);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const target = tabs[(next + tabs.length) % tabs.length]!;
    setCurrent(target.id);
    document.getElementById(`admin-tab-${target.id}`)?.focus();
  };

  return (
    <section className="admin stack" aria-labelledby="admin-title">
      <h1 id="admin-title">{t('adminTitle')}</h1>
      <div className="admin-tabs" role="tablist" aria-label={t('adminSections')} onKeyDown={onKey}>
        {tabs.map((x) => (
          <button
            key={x.id}
            id={`admin-tab-${x.id}`}
            type="button"
            role="tab"
            aria-selected={x.id === tab.id}
            aria-controls={`admin-panel-${x.id}`}
            tabIndex={x.id === tab.id ? 0 : -1}
            className="admin-tab"
            onClick={() => setCurrent(x.id)}
          >
            {x.label}
          </button>
        ))}
      </div>
      <div id={`admin-panel-${tab.id}`} role="tabpanel" aria-labelledby={`admin-tab-${tab.id}`} className="admin-panel">
        {tab.render(live, auth)}
      </div>
      {/* The admin's own data, like everyone's: below whichever section is open. */}
      <MyDataDownload token={auth.accessToken} />
    </section>
  );
}

/** Every course (an admin may change any of them), for the panels that pick one. */
function AllCourses({ live, render }: { live: Live; render: (courses: CourseView[]) => ReactNode }) {
  const [courses, setCourses] = useState<CourseView[] | null>(null);
  useEffect(
    () =>
      live.onConnect(async () => {
        const res = await live.request('course:list', {});
        if (res.ok) setCourses(res.data.courses);
      }),
    [live],
  );
  if (!courses) return <p className="muted">{t('loading')}</p>;
  return <>{render(courses)}</>;
}
