package dev.dbmq.cli;

import dev.dbmq.TaskQueue;

/**
 * {@code dbmq pause LANE} and {@code dbmq resume LANE}: a lane's tasks stop being claimed by every foreman, or go on.
 * Persisted, and every foreman is woken, so either takes effect within milliseconds.
 */
final class LaneCommand extends QueueCommand {

    static final CommandSpec PAUSE = CommandSpec.command("dbmq pause", arguments -> new LaneCommand(arguments, true))
            .summary("Pauses a lane: no foreman claims its tasks until it is resumed.")
            .description("Pauses a lane (Task.lane; \"default\" unless a task names another): from now on no foreman"
                            + " claims a task of it; tasks of it already running finish, and its tasks keep queueing."
                            + " It stays paused across restarts until resumed.")
            .parameter("LANE", "The lane's name.")
            .exitCodes("0  paused (or paused already)",
                    "2  bad usage, no queue at --db, or the database could not be read");

    static final CommandSpec RESUME = CommandSpec.command("dbmq resume", arguments -> new LaneCommand(arguments, false))
            .summary("Resumes a paused lane.")
            .description("Resumes a paused lane: every foreman claims its due tasks at once.")
            .parameter("LANE", "The lane's name.")
            .exitCodes("0  resumed (or it was not paused)",
                    "2  bad usage, no queue at --db, or the database could not be read");

    private final String lane;
    private final boolean pause;

    LaneCommand(Arguments arguments, boolean pause) {
        super(arguments);
        this.pause = pause;
        this.lane = arguments.parameter();
        if (lane == null) {
            throw usage("Missing LANE: say which lane to " + (pause ? "pause" : "resume"));
        }
    }

    @Override
    int run(TaskQueue queue, Output out) {
        boolean changed;
        try {
            changed = pause ? queue.pause(lane) : queue.resume(lane);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage()); // not a lane name: nothing was changed
        }
        String state = pause ? "paused" : "running";
        if (out.json()) {
            out.print(Output.object().put("queue", out.queue()).put("lane", lane).put("paused", pause)
                    .put("changed", changed));
        } else {
            out.out().printf("lane %s %s%s%n", lane, state, changed ? "" : pause ? " (it was paused already)"
                    : " (it was not paused)");
        }
        return Main.OK;
    }
}
