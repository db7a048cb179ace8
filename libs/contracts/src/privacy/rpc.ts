/** Erasure and export commands (request/reply on NATS core). Each service answers for its own part of a person's data. */
import { command } from '../slice-maps.js';
import { EraseUserRequest, type EraseUserReply } from './erase.js';
import { PersonDataRequest, type IdentityPersonData, type IntegrationPersonData, type ReportPersonData, type VerificationPersonData } from './export.js';

export const PrivacyRpc = {
  identityUserErase: command('cc.identity.user-erase.v1', EraseUserRequest).replies<EraseUserReply>(),
  identityPersonData: command('cc.identity.person-data.v1', PersonDataRequest).replies<IdentityPersonData>(),
  verificationPersonData: command('cc.verification.person-data.v1', PersonDataRequest).replies<VerificationPersonData>(),
  reportPersonData: command('cc.report.person-data.v1', PersonDataRequest).replies<ReportPersonData>(),
  integrationPersonData: command('cc.integration.person-data.v1', PersonDataRequest).replies<IntegrationPersonData>(),
};
