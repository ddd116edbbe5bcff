/** Lets every promise chain that waits on nothing but other promises run to its end. */
export async function flushPromises(rounds = 3): Promise<void> {
  for (let round = 0; round < rounds; round++) await new Promise<void>((resolve) => setImmediate(resolve));
}
