import { inBatches } from "./batches";

test.each<[string[], number, string[][]]>([
    [["backend-1", "backend-2"], 1, [["backend-1"], ["backend-2"]]],
    [["backend-1", "backend-2", "backend-3"], 2, [["backend-1", "backend-2"], ["backend-3"]]],
    [["backend-1", "backend-2"], 2, [["backend-1", "backend-2"]]],
    [["backend-1", "backend-2"], 10, [["backend-1", "backend-2"]]],
    [["app-1"], 1, [["app-1"]]],
    [[], 1, []],
])("inBatches(%j, %d) is %j", (items, size, batches) => {
    expect(inBatches(items, size)).toEqual(batches);
});

test.each([0, -1, 1.5, Number.NaN])("a batch size of %p is refused", (size) => {
    expect(() => inBatches(["a"], size)).toThrow(`a batch size is a whole number of at least 1, got ${size}`);
});
