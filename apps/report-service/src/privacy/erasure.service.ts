import { Inject, Injectable } from '@nestjs/common';
import type { EventData, EventSubjects } from '@classconnect/contracts';
import { createLogger } from '@classconnect/observability';
import { ReportService } from '../reports/report.service.js';
import { ErasureStore, type ErasureOutcome } from './erasure.ports.js';

/**
 * report-service's part of an erasure (directory.account.erased.v1): everything it holds about the
 * person goes in one transaction, which a redelivery or a second event finds done. Reports that
 * changed are then announced under their new revision (report.updated), like any other change.
 */
@Injectable()
export class ErasureService {
  private readonly log = createLogger(ErasureService.name);

  constructor(
    @Inject(ErasureStore) private readonly store: ErasureStore,
    @Inject(ReportService) private readonly reports: ReportService,
  ) {}

  async accountErased(e: EventData<typeof EventSubjects.accountErased>, correlationId?: string): Promise<ErasureOutcome> {
    const outcome = await this.store.erase(e.userId, e.attendance);
    const { reports, ...counts } = outcome;
    this.log.info({ userId: e.userId, attendance: e.attendance, reports: reports.length, ...counts }, 'erased the person from reports, attendance records and push subscriptions');
    // After the commit: if announcing fails, the message is redelivered and finds nothing to erase;
    // the revision stays unannounced until the report's next rebuild announces it.
    for (const sessionId of reports) await this.reports.announceCurrentRevision(sessionId, correlationId);
    return outcome;
  }
}
