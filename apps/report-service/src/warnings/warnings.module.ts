import { Module } from '@nestjs/common';
import { WarningStore } from './warnings.ports.js';
import { WarningsRepository } from './warnings.repository.js';
import { WarningsRpc } from './warnings.rpc.js';
import { WarningsService } from './warnings.service.js';

@Module({
  providers: [{ provide: WarningStore, useClass: WarningsRepository }, WarningsService, WarningsRpc],
  exports: [WarningsService],
})
export class WarningsModule {}
