import { Module } from '@nestjs/common';
import { ReportsModule } from '../reports/reports.module.js';
import { AccountErasedConsumer } from './erasure.consumer.js';
import { ErasureStore } from './erasure.ports.js';
import { ErasureRepository } from './erasure.repository.js';
import { ErasureService } from './erasure.service.js';
import { PersonDataStore } from './person-data.ports.js';
import { PersonDataRepository } from './person-data.repository.js';
import { PersonDataService } from './person-data.service.js';
import { PrivacyRpc } from './privacy.rpc.js';

/** Erasure (directory.account.erased.v1) and export (cc.report.person-data.v1) of one person's data. */
@Module({
  imports: [ReportsModule],
  providers: [
    { provide: ErasureStore, useClass: ErasureRepository },
    { provide: PersonDataStore, useClass: PersonDataRepository },
    ErasureService,
    PersonDataService,
    AccountErasedConsumer,
    PrivacyRpc,
  ],
})
export class PrivacyModule {}
