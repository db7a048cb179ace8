import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  authorize,
  type Actor,
  type CreateRoomRequest,
  type RoomDeletedReply,
  type RoomRefRequest,
  type RoomsReply,
  type RoomView,
  type UpdateRoomRequest,
} from '@classconnect/contracts';
import { RoomRepository, type RoomWrite } from './room.repository.js';

function roomNotFound(): DomainError {
  return new DomainError(ErrorCode.ROOM_NOT_FOUND, 'There is no such room. It may have been deleted.');
}

/**
 * Rooms: admins create, change and delete them; teachers and admins list them to start a session
 * from one. A room's coordinates are the university's, not anyone's position: they are kept.
 */
@Injectable()
export class RoomsService {
  constructor(@Inject(RoomRepository) private readonly rooms: RoomRepository) {}

  async list(actor: Actor): Promise<RoomsReply> {
    authorize(actor, 'room.read');
    return { rooms: await this.rooms.list() };
  }

  async create(req: CreateRoomRequest): Promise<RoomView> {
    authorize(req.actor, 'room.manage');
    const { actor: _actor, ...room } = req;
    return this.written(await this.rooms.create(room), room.name);
  }

  async update(req: UpdateRoomRequest): Promise<RoomView> {
    authorize(req.actor, 'room.manage');
    const { actor: _actor, roomId, ...changes } = req;
    return this.written(await this.rooms.update(roomId, changes), changes.name ?? '');
  }

  async delete(req: RoomRefRequest): Promise<RoomDeletedReply> {
    authorize(req.actor, 'room.manage');
    // Sessions copy the room's place when they start, so deleting a room never affects an open session.
    if (!(await this.rooms.delete(req.roomId))) throw roomNotFound();
    return { roomId: req.roomId, deleted: true };
  }

  /** Internal (session-service): the room a session is started from. */
  async room(roomId: string): Promise<RoomView> {
    const room = await this.rooms.find(roomId);
    if (!room) throw roomNotFound();
    return room;
  }

  private written(outcome: RoomWrite, name: string): RoomView {
    switch (outcome.kind) {
      case 'ok':
        return outcome.room;
      case 'name-taken':
        throw new DomainError(ErrorCode.ROOM_NAME_TAKEN, `Another room is already called “${name}”. Room names must be unique.`);
      case 'not-found':
        throw roomNotFound();
    }
  }
}
