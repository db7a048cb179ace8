import { CreateReportSchema1767225600000 } from './1767225600000-create-report-schema.js';

/** Every migration of the `report` schema, oldest first. */
export const ReportMigrations = [CreateReportSchema1767225600000];
