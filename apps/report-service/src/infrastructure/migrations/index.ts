import { CreateReportSchema1767225600000 } from './1767225600000-create-report-schema.js';
import { AddStatusesAndChanges1795392000000 } from './1795392000000-add-statuses-and-changes.js';
import { IndexReportsForHistory1795478400000 } from './1795478400000-index-reports-for-history.js';
import { EvidenceRetention1796300000001 } from './1796300000001-evidence-retention.js';
import { AddCheckinFlags1796400000000 } from './1796400000000-add-checkin-flags.js';
import { AddReportIncomplete1796500000000 } from './1796500000000-add-report-incomplete.js';
import { AddAttendanceWarnings1796600000000 } from './1796600000000-add-attendance-warnings.js';
import { AddPushSubscriptions1796600000001 } from './1796600000001-add-push-subscriptions.js';
import { AddSessionReopens1796700000000 } from './1796700000000-add-session-reopens.js';
import { AddErasedPeople1796800000000 } from './1796800000000-add-erased-people.js';

/** Every migration of the `report` schema, oldest first. */
export const ReportMigrations = [CreateReportSchema1767225600000, AddStatusesAndChanges1795392000000, IndexReportsForHistory1795478400000, EvidenceRetention1796300000001, AddCheckinFlags1796400000000, AddReportIncomplete1796500000000, AddAttendanceWarnings1796600000000, AddPushSubscriptions1796600000001, AddSessionReopens1796700000000, AddErasedPeople1796800000000];
