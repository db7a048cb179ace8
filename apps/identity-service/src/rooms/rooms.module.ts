import { Module } from '@nestjs/common';
import { PostgresRoomRepository, RoomRepository } from './room.repository.js';
import { RoomsRpc } from './rooms.rpc.js';
import { RoomsService } from './rooms.service.js';

/** Rooms: a name, a place and a default radius, to start a session from. */
@Module({
  providers: [{ provide: RoomRepository, useClass: PostgresRoomRepository }, RoomsService, RoomsRpc],
})
export class RoomsModule {}
