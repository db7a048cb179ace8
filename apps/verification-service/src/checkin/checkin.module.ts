import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module.js';
import { PasskeysModule } from '../passkeys/passkeys.module.js';
import { AssertionVerifier } from './assertion-verifier.js';
import { ChallengeRepository, RedisChallengeRepository } from './challenge.repository.js';
import { ChallengeRpc } from './challenge.rpc.js';
import { VerdictRpc } from './verdict.rpc.js';
import { ChallengeService } from './challenge.service.js';
import { CodeRefusalPublisher, EventCodeRefusalPublisher } from './code-refusal.publisher.js';
import { FastAssertionVerifier } from './fast-assertion-verifier.js';
import { IntakeConsumer } from './intake.consumer.js';
import { SessionEndCleaner } from './session-end.cleaner.js';
import { EventVerdictPublisher, VerdictPublisher } from './verdict.publisher.js';
import { RedisVerdictRepository, VerdictRepository } from './verdict.repository.js';
import { VerdictService } from './verdict.service.js';

/** Check-in challenges and verdicts: steps 2 and 4 of a check-in. */
@Module({
  imports: [PasskeysModule, FlagsModule],
  providers: [
    { provide: ChallengeRepository, useClass: RedisChallengeRepository },
    { provide: VerdictRepository, useClass: RedisVerdictRepository },
    // The library's checks with each key imported once; unusual inputs go to the library itself.
    { provide: AssertionVerifier, useClass: FastAssertionVerifier },
    { provide: VerdictPublisher, useClass: EventVerdictPublisher },
    { provide: CodeRefusalPublisher, useClass: EventCodeRefusalPublisher },
    ChallengeService,
    ChallengeRpc,
    VerdictRpc,
    VerdictService,
    IntakeConsumer,
    SessionEndCleaner,
  ],
})
export class CheckinModule {}
