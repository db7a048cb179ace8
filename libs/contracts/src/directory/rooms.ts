/** Rooms (identity-service): named places a teacher can start a session from, instead of the device's position. */
import { z } from 'zod';
import { Actor, ActorRequest, HumanText, Id, Position, RadiusM } from '../primitives.js';
import { command } from '../slice-maps.js';
import { InputLimits } from '../limits.js';

/** A room's place: the fence's centre when a session is started from the room. Not personal data. */
export const RoomFields = {
  name: HumanText(InputLimits.roomName),
  /** Optional: the building, shown beside the name. */
  building: HumanText(InputLimits.building),
  latitude: Position.shape.latitude,
  longitude: Position.shape.longitude,
  defaultRadiusM: RadiusM,
};
export const CreateRoomRequest = z
  .object({ actor: Actor, name: RoomFields.name, building: RoomFields.building.optional(), latitude: RoomFields.latitude, longitude: RoomFields.longitude, defaultRadiusM: RoomFields.defaultRadiusM })
  .strict();
export type CreateRoomRequest = z.infer<typeof CreateRoomRequest>;
/** Only the fields given change; `building: null` removes the building. */
export const UpdateRoomRequest = z
  .object({
    actor: Actor,
    roomId: Id,
    name: RoomFields.name.optional(),
    building: RoomFields.building.nullable().optional(),
    latitude: RoomFields.latitude.optional(),
    longitude: RoomFields.longitude.optional(),
    defaultRadiusM: RoomFields.defaultRadiusM.optional(),
  })
  .strict();
export type UpdateRoomRequest = z.infer<typeof UpdateRoomRequest>;
export const RoomRefRequest = z.object({ actor: Actor, roomId: Id }).strict();
export type RoomRefRequest = z.infer<typeof RoomRefRequest>;
/** Internal (session → identity): a room's place, to start a session from it. */
export const RoomLookupRequest = z.object({ roomId: Id }).strict();
export interface RoomView {
  id: string;
  name: string;
  building?: string;
  latitude: number;
  longitude: number;
  defaultRadiusM: number;
  createdAt: string;
}
export interface RoomsReply {
  rooms: RoomView[];
}
export interface RoomDeletedReply {
  roomId: string;
  deleted: true;
}

export const RoomRpc = {
  identityRoomCreate: command('cc.identity.room-create.v1', CreateRoomRequest).replies<RoomView>(),
  identityRoomUpdate: command('cc.identity.room-update.v1', UpdateRoomRequest).replies<RoomView>(),
  identityRoomDelete: command('cc.identity.room-delete.v1', RoomRefRequest).replies<RoomDeletedReply>(),
  identityRooms: command('cc.identity.rooms.v1', ActorRequest).replies<RoomsReply>(),
  /** Internal (session → identity): one room's place, to start a session from it. */
  identityRoom: command('cc.identity.room.v1', RoomLookupRequest).replies<RoomView>(),
};
