import 'reflect-metadata';
import { loadConfigOrExit } from '@classconnect/config';
import { bootstrapService } from '@classconnect/messaging';
import { AppModule } from './app.module.js';
import { ServiceName, SessionEnv } from './config.js';

const config = loadConfigOrExit(SessionEnv, ServiceName);
await bootstrapService(ServiceName, AppModule.forRoot(config));
