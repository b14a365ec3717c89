import { describe, expect, it } from "vitest";
import { packGroups } from "./writer.server";

const entries = (group: string, count: number) => Array.from({ length: count }, (_, index) => ({ group, index }));
const shape = (calls: Array<Array<{ group: string }>>) => calls.map((call) => call.map((entry) => entry.group).join(""));

describe("packGroups", () => {
  it("fills calls with whole groups", () => {
    expect(shape(packGroups([...entries("a", 3), ...entries("b", 2), ...entries("c", 4)], 5))).toEqual(["aaabb", "cccc"]);
  });

  it("keeps a group's records together even when they arrive apart", () => {
    expect(shape(packGroups([...entries("a", 1), ...entries("b", 1), ...entries("a", 1)], 2))).toEqual(["aa", "b"]);
  });

  it("splits only a group larger than a call", () => {
    expect(shape(packGroups([...entries("a", 1), ...entries("b", 5)], 3))).toEqual(["a", "bbb", "bb"]);
    expect(packGroups([], 3)).toEqual([]);
  });
});
