import { Module } from '@nestjs/common';
import { FlagDetector } from './flag-detector.js';
import { FlagStateRepository, RedisFlagStateRepository } from './flag-state.repository.js';
import { SessionKeyInvalidation } from './session-key-invalidation.js';

/** Check-in flags: signals for the teacher about accepted check-ins (they never reject). */
@Module({
  providers: [
    { provide: FlagStateRepository, useClass: RedisFlagStateRepository },
    FlagDetector,
    SessionKeyInvalidation,
  ],
  exports: [FlagDetector, FlagStateRepository],
})
export class FlagsModule {}
