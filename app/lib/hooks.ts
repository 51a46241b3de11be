// hooks.ts - React hooks over the socket: the connection's state.
'use client';
import { useSyncExternalStore } from 'react';
import { connectionState, onStateChange, type ConnectionState } from './socket.ts';
import type { Failure } from './protocol.ts';

const getState = (): ConnectionState => connectionState().state;
const getDetail = (): Failure | null => connectionState().detail;
const serverState = (): ConnectionState => 'connecting';
const serverDetail = (): Failure | null => null;

/** The connection's state, re-rendering when it changes. */
export function useConnection(): { state: ConnectionState; detail: Failure | null } {
  const state = useSyncExternalStore(onStateChange, getState, serverState);
  const detail = useSyncExternalStore(onStateChange, getDetail, serverDetail);
  return { state, detail };
}
