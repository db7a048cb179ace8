import { Module } from '@nestjs/common';
import { Argon2PasswordHasher, PasswordHasher } from '../accounts/password-hasher.js';
import { PeopleRepository, PostgresPeopleRepository } from './people.repository.js';
import { PeopleRpc } from './people.rpc.js';
import { PeopleService } from './people.service.js';

/** People administration: create, change and look up accounts. */
@Module({
  providers: [
    { provide: PasswordHasher, useClass: Argon2PasswordHasher },
    { provide: PeopleRepository, useClass: PostgresPeopleRepository },
    PeopleService,
    PeopleRpc,
  ],
})
export class PeopleModule {}
