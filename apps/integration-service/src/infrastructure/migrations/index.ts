import { CreateIntegrationSchema1796600000000 } from './1796600000000-create-integration-schema.js';

/** Every migration of the `integration` schema, oldest first. */
export const IntegrationMigrations = [CreateIntegrationSchema1796600000000];
