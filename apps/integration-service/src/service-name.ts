import { QueueGroup } from '@classconnect/contracts';

export const ServiceName = QueueGroup.integration;
