import { Module } from '@nestjs/common';
import { HistoryRpc } from './history.rpc.js';
import { CourseDirectory, HistoryStore } from './history.ports.js';
import { HistoryRepository } from './history.repository.js';
import { HistoryService } from './history.service.js';
import { IdentityCourseDirectory } from './identity-course-directory.js';

@Module({
  providers: [
    { provide: HistoryStore, useClass: HistoryRepository },
    { provide: CourseDirectory, useClass: IdentityCourseDirectory },
    HistoryService,
    HistoryRpc,
  ],
})
export class HistoryModule {}
