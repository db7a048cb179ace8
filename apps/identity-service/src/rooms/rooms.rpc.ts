import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { RoomsService } from './rooms.service.js';

@Injectable()
export class RoomsRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(RoomsService) private readonly rooms: RoomsService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.identityRooms, (req) => this.rooms.list(req.actor));
    this.rpc.handle(Rpc.identityRoomCreate, (req) => this.rooms.create(req));
    this.rpc.handle(Rpc.identityRoomUpdate, (req) => this.rooms.update(req));
    this.rpc.handle(Rpc.identityRoomDelete, (req) => this.rooms.delete(req));
    this.rpc.handle(Rpc.identityRoom, (req) => this.rooms.room(req.roomId));
  }
}
