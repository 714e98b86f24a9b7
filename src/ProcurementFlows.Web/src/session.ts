// Who is signed in. The server keeps the session in a cookie; this caches `/api/auth/me`.
import { api, ApiError } from './api/client';
import type { CurrentUser } from './api/types';

let current: CurrentUser | null = null;

export const session = {
  get user(): CurrentUser | null {
    return current;
  },
  hasRole(role: string): boolean {
    return !!current && current.roles.some((r) => r.toLowerCase() === role || r.toLowerCase() === 'admin');
  },
  /** Asks the server who we are; null when not signed in. */
  async refresh(): Promise<CurrentUser | null> {
    try {
      current = await api.auth.me();
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 404)) current = null;
      else throw e;
    }
    return current;
  },
  set(user: CurrentUser | null): void {
    current = user;
  },
};
