import { deadlineMinutes } from "./entry";

describe("deadlineMinutes", () => {
    test("the flag first, then PM_REHEARSAL_DEADLINE_MINUTES, then the entry's default", () => {
        expect(deadlineMinutes(["--deadline-minutes", "7"], { PM_REHEARSAL_DEADLINE_MINUTES: "9" }, 15)).toBe(7);
        expect(deadlineMinutes([], { PM_REHEARSAL_DEADLINE_MINUTES: "9" }, 15)).toBe(9);
        expect(deadlineMinutes([], { PM_REHEARSAL_DEADLINE_MINUTES: "" }, 20)).toBe(20);
        expect(deadlineMinutes([], {}, 10)).toBe(10);
        expect(deadlineMinutes(["--deadline-minutes", "2.5"], {}, 10)).toBe(2.5);
    });

    test("anything but a positive number is refused with the value it got", () => {
        expect(() => deadlineMinutes(["--deadline-minutes", "soon"], {}, 15)).toThrow('--deadline-minutes must be a positive number of minutes, got "soon"');
        expect(() => deadlineMinutes(["--deadline-minutes", "0"], {}, 15)).toThrow('--deadline-minutes must be a positive number of minutes, got "0"');
        expect(() => deadlineMinutes([], { PM_REHEARSAL_DEADLINE_MINUTES: "-3" }, 15)).toThrow('--deadline-minutes must be a positive number of minutes, got "-3"');
        expect(() => deadlineMinutes(["--deadline-minutes"], {}, 15)).toThrow("--deadline-minutes needs a positive number of minutes after it");
    });
});
