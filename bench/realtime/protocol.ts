/** Messages between bench:realtime and its subscriber processes (Node IPC). */

export type ToSubscribers =
  /** Open `perUser` subscriptions for each user, `inFlight` connections opening at a time. */
  | { type: 'connect'; realtimeUrl: string; host: string; users: { sub: string; token: string }[]; perUser: number; inFlight: number }
  | { type: 'count' }
  | { type: 'report' }
  /** Round trips to a raw ws echo server, one at a time: the baseline. */
  | { type: 'echo'; url: string; count: number };

/** One delivery: the event's image id, the subscriber's user, arrival (epoch ms, sub-ms precision), whether the image came whole. */
export type Delivery = [imageId: string, user: string, at: number, whole: boolean];

export type FromSubscribers =
  | { type: 'connected'; connections: number }
  | { type: 'count'; deliveries: number }
  | { type: 'report'; deliveries: Delivery[] }
  | { type: 'echo'; samples: number[] }
  | { type: 'error'; message: string };

/** A clock every process on the machine shares: epoch ms with performance.now()'s precision. */
export const sharedNow = (): number => performance.timeOrigin + performance.now();
