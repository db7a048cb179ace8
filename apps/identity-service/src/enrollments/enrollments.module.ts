import { Module } from '@nestjs/common';
import { EnrollmentEvents } from './enrollment-events.js';
import { EnrollmentsRpc } from './enrollments.rpc.js';
import { EnrollmentsService } from './enrollments.service.js';
import { RosterImportService } from './roster-import.service.js';

/** Who is enrolled where: changes by hand, roster imports, and the events that tell the other services. */
@Module({
  providers: [EnrollmentEvents, EnrollmentsService, RosterImportService, EnrollmentsRpc],
})
export class EnrollmentsModule {}
