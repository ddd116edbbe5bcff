import assert from "node:assert/strict";
import { inboxLimits } from "../../store/store.js";
import { like, refusedWith, same } from "./checks.js";
import { command } from "./records.js";
import type { StoreCase } from "./store-case.js";

/** The command inbox: commands for a session's owner, as data, answered once, bounded. */
export const inboxCases: readonly StoreCase[] = [
  {
    name: "posts commands as data and answers each once",
    async run(store) {
      const posted = await store.postCommand({ ...command("s1", 1), input: { note: "tidy" } });
      assert.equal(typeof posted.id, "string", "a posted command's id");
      same(posted, { ...command("s1", 1), input: { note: "tidy" }, id: posted.id }, "the posted command");
      same(await store.getCommand(posted.id), posted, "the command read back");
      const later = await store.postCommand(command("s1", 2, "resume"));
      const other = await store.postCommand(command("s2", 3));
      same(
        (await store.listPendingCommands("s1")).map((pending) => pending.id),
        [posted.id, later.id],
        "session s1's pending commands, oldest first",
      );
      same(
        (await store.listPendingCommands()).map((pending) => pending.id),
        [posted.id, later.id, other.id],
        "all pending commands, oldest first",
      );
      const answer = { reply: "Paused.", applied: true, at: 10 };
      same(await store.answerCommand(posted.id, answer), true, "answering a command");
      same(
        await store.answerCommand(posted.id, { reply: "again", applied: false, at: 11 }),
        false,
        "answering it again",
      );
      like(await store.getCommand(posted.id), { id: posted.id, answer }, "the answered command");
      same(
        (await store.listPendingCommands("s1")).map((pending) => pending.id),
        [later.id],
        "pending commands once one is answered",
      );
      same(await store.getCommand("no-such-command"), undefined, "a command never posted");
      same(await store.answerCommand("no-such-command", answer), false, "answering a command never posted");
    },
  },
  {
    name: "bounds the inbox: a session's pending commands are capped, and answered ones are dropped after an hour",
    async run(store) {
      const posted = [];
      for (let index = 0; index < inboxLimits.maxPending; index++) {
        posted.push(
          await store.postCommand({ ...command("s1", index, "wake"), input: { note: String(index) } }),
        );
      }
      await refusedWith(
        "inbox_full",
        () => store.postCommand(command("s1", 99)),
        `a post to a session with ${inboxLimits.maxPending} commands pending`,
      );
      // Another session's inbox is its own.
      await store.postCommand(command("s2", 99));
      const [first, second, third] = posted;
      if (!first || !second || !third) assert.fail("nothing posted");
      same(await store.answerCommand(first.id, { reply: "ok", applied: true, at: 1_000 }), true, "an answer");
      await store.postCommand(command("s1", 1_001));
      same(
        await store.answerCommand(second.id, { reply: "ok", applied: true, at: 2_000 }),
        true,
        "an answer",
      );
      // An hour after the first answer, answering another drops it; the second, answered later, stays.
      const hourLater = { reply: "ok", applied: true, at: 1_001 + inboxLimits.keepAnsweredMs };
      same(await store.answerCommand(third.id, hourLater), true, "an answer an hour after the first");
      same(await store.getCommand(first.id), undefined, "a command answered more than an hour before");
      like(
        await store.getCommand(second.id),
        { answer: { reply: "ok", applied: true, at: 2_000 } },
        "a command answered less than an hour before",
      );
      assert.equal(
        (await store.listPendingCommands("s1")).length,
        inboxLimits.maxPending - 2,
        "s1's pending",
      );
      assert.equal((await store.listPendingCommands("s2")).length, 1, "s2's pending");
    },
  },
];
