import { afterEach, describe, expect, it } from "vitest";
import { contextFor, createProbe } from "../../test/probe-plugin.js";
import { createTestHost, ScriptedModel, type TestHost } from "../testing/index.js";

let testHost: TestHost | undefined;
afterEach(async () => {
  await testHost?.dispose();
  testHost = undefined;
});

/** A promise and the function that resolves it. */
function deferred() {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

describe("a plugin's background work", () => {
  it("counts as the host's until it settles, and what it decided has happened once the host is idle", async () => {
    const probe = createProbe();
    testHost = await createTestHost({
      model: new ScriptedModel([{ text: "went on" }]),
      plugins: [probe.plugin],
    });
    const { host } = testHost;
    await host.openSession({ sessionKey: "s1" });
    const context = await contextFor(host, probe, "s1");
    const result = deferred();
    let idleSeen = false;
    probe.api().background(
      result.promise.then(() =>
        probe.api().session.workflow.requestSessionContinuationLease({
          session: context,
          leaseKey: "after-the-result",
          message: "the result is in",
        }),
      ),
    );
    const idle = host.idle().then(() => {
      idleSeen = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(host.isIdle()).toBe(false);
    expect(idleSeen).toBe(false);

    result.release();
    await idle;
    expect(await host.store.listLeases()).toEqual([
      expect.objectContaining({ sessionKey: "s1", leaseKey: "after-the-result" }),
    ]);
    await testHost.settle();
    expect(probe.turnEnds.map(({ event }) => event.kind)).toEqual(["continuation"]);
  });

  it("that fails is reported as the plugin's error, and the host goes on", async () => {
    const probe = createProbe();
    testHost = await createTestHost({ plugins: [probe.plugin] });
    const errors: unknown[] = [];
    testHost.host.on("plugin-error", (error) => errors.push(error));
    probe.api().background(Promise.reject(new Error("the result could not be written")));
    await testHost.host.idle();
    expect(errors).toEqual([
      expect.objectContaining({
        pluginId: "probe",
        hook: "background",
        message: "the result could not be written",
      }),
    ]);
    expect(testHost.host.isIdle()).toBe(true);
  });

  it("is drained by close: the host closes once it has settled", async () => {
    const probe = createProbe();
    testHost = await createTestHost({ plugins: [probe.plugin] });
    const { host } = testHost;
    await host.openSession({ sessionKey: "s1" });
    const context = await contextFor(host, probe, "s1");
    const api = probe.api();
    const result = deferred();
    api.background(
      result.promise.then(() => api.state.set(context, "result", { passed: true }, { expectedVersion: 0 })),
    );
    let closed = false;
    const closing = host.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    result.release();
    await closing;
    expect((await host.store.readState(probe.plugin.id, "s1", "result"))?.value).toEqual({ passed: true });
  });
});
