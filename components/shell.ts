/**
 * Shell command builders. Commands are argument arrays until the last moment; `quote` is the only
 * place that decides how an argument is written, so no value can change a command's meaning.
 */

/** One shell command as its arguments, or an already-combined command line. */
export type Command = readonly string[] | Script;

/**
 * Text that is already valid shell (the result of combinators); never built from raw input.
 * `compound` marks a list joined by operators, which must be grouped when nested in another.
 */
export class Script {
    constructor(
        readonly text: string,
        readonly compound = false,
    ) {}
}

/** Quotes one argument for POSIX shells; safe words stay bare so rendered commands stay readable. */
export function quote(arg: string): string {
    if (arg !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
    return `'${arg.replace(/'/g, `'"'"'`)}'`;
}

export function render(command: Command): string {
    return command instanceof Script ? command.text : command.map(quote).join(" ");
}

/** Renders a command so that it acts as one unit wherever it is placed. */
function unit(command: Command): string {
    return command instanceof Script && command.compound ? `{ ${command.text}; }` : render(command);
}

function join(separator: string, commands: readonly Command[]): Script {
    return new Script(commands.map(unit).join(separator), true);
}

/** Runs each command only if the one before succeeded. */
export function and(...commands: Command[]): Script {
    return join(" && ", commands);
}

/** Runs the next command only if the one before failed. */
export function or(...commands: Command[]): Script {
    return join(" || ", commands);
}

/** Pipes each command's stdout into the next. */
export function pipe(...commands: Command[]): Script {
    return join(" | ", commands);
}

/** Redirects a command's stdout to a file (`>`). */
export function toFile(command: Command, path: string): Script {
    return new Script(`${unit(command)} > ${quote(path)}`);
}

/** Discards a command's stdout. */
export function quiet(command: Command): Script {
    return new Script(`${unit(command)} >/dev/null`);
}

/** Runs the commands in a subshell with `umask 077`, so files they create are private (0600/0700). */
export function privately(command: Command): Script {
    return new Script(`(umask 077 && ${render(command)})`);
}

/** Runs the commands in a subshell with `umask 022`, so files they create are readable by all (0644/0755). */
export function publicly(command: Command): Script {
    return new Script(`(umask 022 && ${render(command)})`);
}
