package dev.dbmq.cli;

/** Bad usage of a command: printed with that command's usage, exit {@link Main#ERROR}; nothing was done. */
final class UsageError extends RuntimeException {

    private final transient CommandSpec command;

    UsageError(CommandSpec command, String message) {
        super(message, null, false, false);
        this.command = command;
    }

    /** The command whose usage is printed. */
    CommandSpec command() {
        return command;
    }
}
