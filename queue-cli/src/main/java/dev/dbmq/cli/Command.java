package dev.dbmq.cli;

import java.io.PrintWriter;

/** A command made from its arguments (usage already checked), ready to run once. */
interface Command {

    /**
     * Does the command's work.
     *
     * @return the exit code: {@link Main#OK} or {@link Main#CHECK_FAILED}
     * @throws Exception what stopped it: printed as one line, exit {@link Main#ERROR}
     */
    int execute(PrintWriter out, PrintWriter err) throws Exception;
}
