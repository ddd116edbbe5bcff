import { type Goal, readStoredGoal } from "@goal-lease/goal-plugin";
import { SqliteStore } from "@goal-lease/sdk/sqlite";

/** The goal of one stored session, read from the store file as `goal-lease status` reads it. */
export function storedGoal(storePath: string, sessionKey: string): Promise<Goal | undefined> {
  return reading(storePath, (store) => readStoredGoal(store, sessionKey));
}

/** The goals of the stored sessions `keep` picks. */
export function storedGoals(storePath: string, keep: (sessionKey: string) => boolean): Promise<Goal[]> {
  return reading(storePath, async (store) => {
    const keys = (await store.listSessions()).map((session) => session.sessionKey).filter(keep);
    const goals = await Promise.all(keys.map((key) => readStoredGoal(store, key)));
    return goals.filter((goal) => goal !== undefined);
  });
}

/** The goals of the stored sessions `keep` picks, with their sessions. */
export function storedSessions(
  storePath: string,
  keep: (sessionKey: string) => boolean,
): Promise<Array<{ sessionKey: string; goal: Goal }>> {
  return reading(storePath, async (store) => {
    const keys = (await store.listSessions()).map((session) => session.sessionKey).filter(keep);
    const found = await Promise.all(
      keys.map(async (sessionKey) => ({ sessionKey, goal: await readStoredGoal(store, sessionKey) })),
    );
    return found.flatMap(({ sessionKey, goal }) => (goal ? [{ sessionKey, goal }] : []));
  });
}

async function reading<T>(storePath: string, read: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = SqliteStore.open(storePath);
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}
