import { Module } from '@nestjs/common';
import { HistoryRpc } from './history.rpc.js';
import { HistoryStore } from './history.ports.js';
import { HistoryRepository } from './history.repository.js';
import { HistoryService } from './history.service.js';

@Module({
  providers: [
    { provide: HistoryStore, useClass: HistoryRepository },
    HistoryService,
    HistoryRpc,
  ],
})
export class HistoryModule {}
