import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RoomView } from '@classconnect/contracts';
import { updatedRows, type Queryable } from '../infrastructure/queryable.js';

export interface NewRoom {
  name: string;
  building?: string;
  latitude: number;
  longitude: number;
  defaultRadiusM: number;
}
export type RoomChanges = Partial<Omit<NewRoom, 'building'>> & { building?: string | null };

/** Outcome of a write: the room, or why it was not written. */
export type RoomWrite = { kind: 'ok'; room: RoomView } | { kind: 'name-taken' } | { kind: 'not-found' };

/** Rooms in Postgres. A port, so the service can be tested with a fake. */
export abstract class RoomRepository {
  abstract list(): Promise<RoomView[]>;
  abstract find(roomId: string): Promise<RoomView | null>;
  abstract create(room: NewRoom): Promise<RoomWrite>;
  abstract update(roomId: string, changes: RoomChanges): Promise<RoomWrite>;
  /** true when a room was deleted. */
  abstract delete(roomId: string): Promise<boolean>;
}

interface RoomRow {
  id: string;
  name: string;
  building: string | null;
  lat: number;
  lon: number;
  default_radius_m: number;
  created_at: Date;
}

const Columns = 'id, name, building, lat, lon, default_radius_m, created_at';

function toView(r: RoomRow): RoomView {
  return {
    id: r.id,
    name: r.name,
    ...(r.building ? { building: r.building } : {}),
    latitude: Number(r.lat),
    longitude: Number(r.lon),
    defaultRadiusM: Number(r.default_radius_m),
    createdAt: new Date(r.created_at).toISOString(),
  };
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === '23505' || (err as { driverError?: { code?: string } })?.driverError?.code === '23505';
}

@Injectable()
export class PostgresRoomRepository extends RoomRepository {
  constructor(@Inject(DataSource) private readonly db: Queryable) {
    super();
  }

  async list(): Promise<RoomView[]> {
    const rows: RoomRow[] = await this.db.query(`SELECT ${Columns} FROM identity.rooms ORDER BY lower(name), id`);
    return rows.map(toView);
  }

  async find(roomId: string): Promise<RoomView | null> {
    const rows: RoomRow[] = await this.db.query(`SELECT ${Columns} FROM identity.rooms WHERE id = $1`, [roomId]);
    return rows[0] ? toView(rows[0]) : null;
  }

  async create(room: NewRoom): Promise<RoomWrite> {
    try {
      const rows: RoomRow[] = await this.db.query(
        `INSERT INTO identity.rooms (name, building, lat, lon, default_radius_m) VALUES ($1, $2, $3, $4, $5) RETURNING ${Columns}`,
        [room.name, room.building ?? null, room.latitude, room.longitude, room.defaultRadiusM],
      );
      return { kind: 'ok', room: toView(rows[0]!) };
    } catch (err) {
      if (isUniqueViolation(err)) return { kind: 'name-taken' };
      throw err;
    }
  }

  async update(roomId: string, c: RoomChanges): Promise<RoomWrite> {
    try {
      // One statement: a field left out keeps its value ($n IS NULL), building can be cleared with a flag.
      const rows = updatedRows<RoomRow>(await this.db.query(
        `UPDATE identity.rooms SET
           name = coalesce($2, name),
           building = CASE WHEN $3::boolean THEN $4 ELSE building END,
           lat = coalesce($5, lat),
           lon = coalesce($6, lon),
           default_radius_m = coalesce($7, default_radius_m)
         WHERE id = $1
         RETURNING ${Columns}`,
        [roomId, c.name ?? null, c.building !== undefined, c.building ?? null, c.latitude ?? null, c.longitude ?? null, c.defaultRadiusM ?? null],
      ));
      return rows[0] ? { kind: 'ok', room: toView(rows[0]) } : { kind: 'not-found' };
    } catch (err) {
      if (isUniqueViolation(err)) return { kind: 'name-taken' };
      throw err;
    }
  }

  async delete(roomId: string): Promise<boolean> {
    return updatedRows(await this.db.query('DELETE FROM identity.rooms WHERE id = $1 RETURNING id', [roomId])).length > 0;
  }
}
