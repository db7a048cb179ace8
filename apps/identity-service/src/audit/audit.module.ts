import { Module } from '@nestjs/common';
import { AuditConsumer } from './audit.consumer.js';
import { AuditRepository, PostgresAuditRepository } from './audit.repository.js';
import { AuditRpc } from './audit.rpc.js';
import { AuditService } from './audit.service.js';

/** The audit log: projected from the DIRECTORY and ATTENDANCE streams, read by administrators. */
@Module({
  providers: [{ provide: AuditRepository, useClass: PostgresAuditRepository }, AuditService, AuditConsumer, AuditRpc],
})
export class AuditModule {}
