package dev.dbmq;

import dev.dbmq.internal.Database;
import dev.dbmq.internal.Durations;
import dev.dbmq.internal.Storage;
import dev.dbmq.internal.TaskStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims tasks: one transaction deletes up to {@code limit} of the due tasks of the names this foreman has handlers
 * for, by priority, then oldest due first (at-most-once: a task is gone from the queue before it runs), no more of a
 * limited type than its limits leave ({@link ClaimLimits}), and, in that same transaction, writes the next instance
 * of each recurring one ({@link RecurringTasks#writeNext}) and moves the ones that cannot run (undecodable args) to
 * the failed-tasks table. So a crash never loses a rejected task, and rejected tasks
 * never take a worker slot (snappea's hang after bad tasks). A threaded foreman's claim also records the tasks it will
 * run in {@code dbmq_running}, each in a record slot of its own ({@link RunningRecords}). Tasks of other names are left
 * for a foreman that handles
 * them, and kept as failed only once they are older than {@code unhandledTimeout} ({@link #checkUnhandled()},
 * {@link #sweepUnhandled()}).
 */
final class Claimer implements Claims {

    private static final Logger log = LoggerFactory.getLogger(Claimer.class);

    /** Names without a handler logged, and shown in {@code unhandledTasks()}, per look; all are kept when overdue. */
    static final int NAMES_SHOWN = 100;

    /** Tasks without a handler kept as failed per transaction: one step of the sweep. */
    static final int SWEEP_BATCH = 500;

    private record Rejected(TaskStore.Row row, String reason) {
    }

    /** Thrown inside the claim's transaction to roll it back: the foreman stopped while the claim waited. */
    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super(null, null, false, false);
        }
    }

    /** Thrown inside the claim's transaction to roll it back: the lane is paused. */
    private static final class LanePaused extends RuntimeException {
        LanePaused() {
            super(null, null, false, false);
        }
    }

    private final String foremanId;
    private final Storage storage;
    private final Database database;
    private final Handlers handlers;
    private final RecurringTasks recurring;
    private final ArgsCodec codec;
    private final InstantSource clock;
    private final TaskCounters counters;
    private final GuardedListener listener;
    private volatile BooleanSupplier live = () -> true;
    /** Null for a manual foreman, which keeps no records of what it runs. */
    private final RunningRecords records;
    /** Every name this foreman handles: other names are "unhandled" ({@link #checkUnhandled()}). */
    private final List<String> names;
    /** The names this claimer claims: those of its lane. */
    private final List<String> claimNames;
    /** Whether this claimer looks for unhandled names: one claimer of a foreman does (its first lane's). */
    private final boolean checksUnhandled;
    /** Its lane, whose pause every claim reads; null for a manual foreman, which runs every lane and is never paused. */
    private final String lane;
    /** Whether the last claim found the lane paused: written by the claim holder, read by the foreman thread. */
    private volatile boolean paused;
    /** The limits of its names that have one ({@link Task#limit}, {@link Task#rate}); none for a manual foreman. */
    private final ClaimLimits limits;
    /** The limits per key of its names that have one ({@link Task#limitBy}), and their keys' turns. */
    private final KeyTurns keyTurns;
    /**
     * What the last claim held back: the names it took no more of (a limit's places all taken: not due for this
     * foreman until one of its own ends, a wake, or with several foremen the re-check; a rate's starts all taken: until
     * its next start), with those next starts. Written by the claim holder, read by the foreman thread
     * ({@link #nextDueAt}).
     */
    private volatile ClaimLimits.Held heldBack = ClaimLimits.Held.NONE;
    /** Claims that found the lane paused, guarded by itself: for tests, which wait for one. */
    private final long[] pausedClaims = new long[1];
    private final long unhandledTimeoutMillis;
    // Written by whichever thread checks (the foreman's); read by anyone.
    private volatile java.util.Map<String, Long> unhandled = java.util.Map.of();
    // The sweep of overdue tasks without a handler: the checking thread's alone (a foreman's loop thread, or a manual
    // foreman's caller under its lock).
    private final java.util.ArrayDeque<String> overdue = new java.util.ArrayDeque<>();
    private long sweepBefore;
    private int keptOfName;
    private long keptTotal;

    /**
     * @param unhandledTimeout how old a task of a name this foreman has no handler for may get before it is kept in
     *                         the failed-tasks table (see {@link #checkUnhandled()})
     */
    Claimer(String foremanId, Storage storage, Handlers handlers, RecurringTasks recurring, ArgsCodec codec,
            InstantSource clock, TaskCounters counters, GuardedListener listener, java.time.Duration unhandledTimeout,
            RunningRecords records) {
        this(foremanId, storage, handlers, null, handlers.names(), true, recurring, codec, clock, counters, listener,
                unhandledTimeout, records);
    }

    /**
     * A lane's claimer: claims only {@code claimNames}, none while {@code lane} is paused, and looks for unhandled
     * names (of all the foreman handles) only when {@code checksUnhandled}.
     */
    Claimer(String foremanId, Storage storage, Handlers handlers, String lane, List<String> claimNames,
            boolean checksUnhandled,
            RecurringTasks recurring, ArgsCodec codec, InstantSource clock, TaskCounters counters,
            GuardedListener listener, java.time.Duration unhandledTimeout, RunningRecords records) {
        this.foremanId = foremanId;
        this.lane = lane;
        this.claimNames = List.copyOf(claimNames);
        this.checksUnhandled = checksUnhandled;
        this.records = records;
        this.storage = storage;
        this.database = storage.database();
        this.handlers = handlers;
        this.recurring = recurring;
        this.names = handlers.names();
        this.unhandledTimeoutMillis = unhandledTimeout.toMillis();
        this.codec = codec;
        this.clock = clock;
        this.counters = counters;
        this.listener = listener;
        this.keyTurns = new KeyTurns(records == null ? java.util.Map.of() : handlers.keyed(this.claimNames), codec);
        this.limits = records == null ? new ClaimLimits(java.util.Map.of(), java.util.Map.of(), java.util.Set.of())
                : new ClaimLimits(handlers.limits(this.claimNames), handlers.rates(this.claimNames),
                keyTurns.names());
    }

    /** How soon a foreman holding back a limited task type looks again, where other foremen run its tasks. */
    static final long LIMIT_RECHECK_MILLIS = 1_000;

    /**
     * Claims only while {@code live} says the foreman holds its liveness lock ({@code WakeupSource#holdsLiveness}):
     * set once the foreman's wakeups exist. Until then, and for a manual foreman, always.
     */
    void onlyWhile(BooleanSupplier live) {
        this.live = live;
    }

    @Override
    public Claim claim(int limit, BooleanSupplier mayCommit) {
        if (!live.getAsBoolean()) {
            throw new DbmqException("foreman " + foremanId + " does not hold its liveness lock (its LISTEN session"
                    + " is being opened again); it claims again once it does, so that no other foreman takes it for"
                    + " gone while its tasks run");
        }
        List<Rejected> rejected = new ArrayList<>();
        List<ClaimedTask> runnable = new ArrayList<>();
        int rows;
        long[] now = new long[1]; // the claim's time, read inside the transaction
        RunningRecords.Lease lease = records == null ? null : records.lease(limit);
        int max = lease == null ? limit : lease.size();
        if (max == 0) {
            // every slot is held for a moment by a flush clearing ended attempts' records: nothing can be recorded
            records.giveBack(lease);
            return new Claim(0, List.of(), clock.millis(), true);
        }
        if (!keyTurns.isEmpty()) {
            keyTurns.giveKeysIfDue(database, clock.millis());
        }
        if (!limits.isEmpty()) {
            try {
                limits.ensurePlaces(storage);
            } catch (RuntimeException e) {
                giveBack(lease);
                throw e;
            }
        }
        try {
            rows = database.transaction(dsl -> claimIn(dsl, max, mayCommit, rejected, runnable, now, lease));
        } catch (LanePaused e) {
            giveBack(lease);
            synchronized (pausedClaims) {
                pausedClaims[0]++;
                pausedClaims.notifyAll();
            }
            return new Claim(0, List.of(), now[0]);
        } catch (dev.dbmq.internal.LimitPlaceStore.PlaceTaken e) {
            // Another foreman's claim took a place while this one locked it (rare): nothing claimed, claim again
            giveBack(lease);
            log.debug("Claim rolled back: {}", e.getMessage());
            return new Claim(0, List.of(), now[0]);
        } catch (Abandoned e) {
            giveBack(lease);
            log.info("A claim that waited for the database until after the foreman stopped was rolled back; its"
                    + " tasks stay queued");
            return new Claim(0, List.of(), now[0]);
        } catch (Throwable t) {
            giveBack(lease);
            throw t;
        }
        if (lease != null) {
            records.keep(lease, runnable.size());
        }
        for (Rejected r : rejected) {
            // The reason may quote parts of the args: it goes to the database and DEBUG, not to ERROR.
            log.error("Task {} ({}) cannot run; kept in dbmq_failed_task", r.row().id(),
                    printable(r.row().taskName()));
            log.debug("Task {} rejected: {}", r.row().id(), r.reason());
            counters.ended(r.row(), FinishedAttempt.Outcome.FAILED, now[0], now[0], foremanId, r.reason());
            counters.failed(r.row().taskName());
            listener.taskRejected(rejected(r.row(), r.reason()));
        }
        return new Claim(rows, runnable, now[0], max < limit && rows >= max);
    }

    /**
     * The handler and decoded args for a task a producer wants to hand over, or null when this foreman has no handler
     * for the name or the args don't decode: that task is enqueued as any other, and a claim keeps it as failed
     * ({@link #claimIn}), with the reason. Decoded with this foreman's codec, as a claim would.
     */
    @Override
    public Decoded decodeForHandoff(String taskName, String args) {
        Handlers.Registration<?> registration = claimNames.contains(taskName) && !limits.limits(taskName)
                ? handlers.find(taskName) : null; // a limited task is counted by a claim: never handed over
        if (registration == null) {
            return null;
        }
        try {
            return new Decoded(registration, codec.decode(args, registration.task().argsType()));
        } catch (Throwable e) {
            return null;
        }
    }

    /**
     * The earliest due time among the pending tasks of the names this foreman handles, epoch ms, or
     * {@link Long#MAX_VALUE} when none is pending: read after a claim that was not full, once its tasks are with the
     * workers (not in the claim's transaction, where it would delay them by a statement). A task committed after
     * the claim is seen here or, committed after this read, wakes the foreman, whose wakeup flag was cleared before
     * the claim: none is missed.
     */
    @Override
    public long nextDueAt() {
        if (paused) {
            return Long.MAX_VALUE; // nothing to claim until a resume wakes it (or the backstop poll looks again)
        }
        ClaimLimits.Held last = heldBack;
        java.util.Set<String> held = last.names();
        List<String> names = held.isEmpty() ? claimNames
                : claimNames.stream().filter(n -> !held.contains(n)).toList();
        Long next = names.isEmpty() ? null : database.autocommit(dsl -> storage.nextDueAt(dsl, names));
        for (long slot : last.rateSlots().values()) {
            next = next == null ? slot : Math.min(next, slot); // a rate's next start: sleep until then, not poll
        }
        if (last.anyByLimitOnly() && !storage.oneForemanAtATime()) {
            // A limit's places may be taken by another foreman's tasks, which end without waking this one: look again
            // soon. (A task of its own wakes this lane as it ends: TaskRunner.)
            long recheck = clock.millis() + LIMIT_RECHECK_MILLIS;
            next = next == null ? recheck : Math.min(next, recheck);
        }
        return next == null ? Long.MAX_VALUE : next;
    }

    private int claimIn(DSLContext dsl, int limit, BooleanSupplier mayCommit, List<Rejected> rejected,
                        List<ClaimedTask> runnable, long[] claimedAt, RunningRecords.Lease lease) {
        rejected.clear(); // a retried transaction starts over
        runnable.clear();
        long now = clock.millis(); // once the transaction has the database: what is due by then is claimed
        claimedAt[0] = now;
        List<TaskStore.Row> claimed;
        ClaimLimits.Caps caps = null;
        java.util.Set<Integer> ended = java.util.Set.of();
        if (limits.isEmpty()) {
            claimed = TaskStore.claim(storage, dsl, limit, claimNames, now);
            heldBack = ClaimLimits.Held.NONE;
        } else {
            // What each limited type may still take: places taken (PostgreSQL), or counted while no other claim
            // counts (the types' locks; SQLite's one writer)
            ended = records.endedSlots(lease);
            caps = limits.before(dsl, storage, claimNames, limit, clock::millis, foremanId, ended);
            now = caps.nowMillis(); // read again once the limits' locks are held
            claimedAt[0] = now;
            claimed = caps.names().isEmpty() ? List.of()
                    : TaskStore.claim(storage, dsl, limit, caps.names(), caps.caps(), now);
            java.util.Set<String> heldByKeys = java.util.Set.of();
            if (!caps.keyed().isEmpty()) {
                heldByKeys = new java.util.HashSet<>();
                claimed = claimKeyed(dsl, limit, caps.keyed(), claimed, now, ended, heldByKeys);
            }
            heldBack = limits.after(dsl, claimed, caps, now, heldByKeys);
        }
        // Read in the claim's transaction: once pause() has committed, no claim of this lane takes a task. After the
        // delete, so a claim locks dbmq_task before dbmq_paused_lane, in the order DDL over both does (PostgreSQL's
        // DROP SCHEMA … CASCADE deadlocked with the other order); a paused lane's claim is rolled back.
        paused = lane != null && storage.lanePaused(dsl, lane);
        if (paused) {
            throw new LanePaused();
        }
        for (TaskStore.Row row : claimed) {
            recurring.writeNext(dsl, row, now); // a recurring instance's next tick, whether this one can run or not
        }
        for (TaskStore.Row row : claimed) {
            Handlers.Registration<?> registration = handlers.find(row.taskName());
            if (registration == null) {
                rejected.add(new Rejected(row, "no handler for task name \"" + row.taskName() + "\""));
                continue;
            }
            try {
                runnable.add(new ClaimedTask(row, registration,
                        codec.decode(row.args(), registration.task().argsType()),
                        lease == null ? ClaimedTask.NO_SLOT : lease.slot(runnable.size())));
            } catch (Throwable e) {
                // Any Throwable: a StackOverflowError from args nested too deep, or whatever a custom Jackson
                // deserializer throws, must keep this row, not roll the claim back to meet it again.
                rejected.add(new Rejected(row, "args cannot be decoded as "
                        + registration.task().argsType().getName() + ": " + describe(e)));
            }
        }
        for (Rejected r : rejected) {
            TaskStore.keepFailed(dsl, r.row(), now, r.reason());
        }
        if (lease != null && caps != null && !caps.places().isEmpty() && !runnable.isEmpty()) {
            limits.recordHolding(dsl, storage.limitPlaces(), caps, runnable, foremanId, now, ended); // the records and the places they hold
        } else if (lease != null) {
            storage.recordRunning(dsl, runnable.stream().map(ClaimedTask::entry).toList(), foremanId, now);
        }
        if (!mayCommit.getAsBoolean()) {
            throw new Abandoned();
        }
        return claimed.size();
    }

    /**
     * The tasks of the types with a limit per key: each type's walk of its keys ({@link KeyTurns}) finds up to its
     * room; together with {@code claimed} (the other names', already deleted) the first {@code limit} in claim order
     * are kept. Found tasks not kept stay where they are; claimed ones not kept are written back as they were
     * ({@link TaskStore#restore}). Names whose walk passed busy keys and saw every key without filling its room go to
     * {@code heldByKeys}.
     */
    private List<TaskStore.Row> claimKeyed(DSLContext dsl, int limit, java.util.Map<String, Integer> rooms,
                                           List<TaskStore.Row> claimed, long now, java.util.Set<Integer> ended,
                                           java.util.Set<String> heldByKeys) {
        java.util.Map<String, KeyTurns.Walk> walks = new java.util.LinkedHashMap<>();
        java.util.Set<Long> found = new java.util.HashSet<>();
        List<TaskStore.Row> all = new ArrayList<>(claimed);
        for (java.util.Map.Entry<String, Integer> room : rooms.entrySet()) {
            KeyTurns.Walk walk = keyTurns.candidates(dsl, storage, room.getKey(), Math.min(limit, room.getValue()),
                    now, foremanId, ended);
            walks.put(room.getKey(), walk);
            walk.chosen().forEach(r -> found.add(r.id()));
            all.addAll(walk.chosen());
        }
        all.sort(TaskStore.CLAIM_ORDER);
        List<TaskStore.Row> kept = all.subList(0, Math.min(limit, all.size()));
        List<TaskStore.Row> undo = all.subList(kept.size(), all.size()).stream()
                .filter(r -> !found.contains(r.id())).toList();
        TaskStore.restore(dsl, undo);
        List<Long> take = kept.stream().map(TaskStore.Row::id).filter(found::contains).toList();
        List<TaskStore.Row> result = new ArrayList<>(kept.stream().filter(r -> !found.contains(r.id())).toList());
        result.addAll(dev.dbmq.internal.LimitKeyStore.take(dsl, take));
        java.util.Set<Long> keptIds = new java.util.HashSet<>(take);
        walks.forEach((name, walk) -> {
            keyTurns.kept(name, walk, keptIds);
            if (walk.passedBusy() && !walk.stopped() && walk.chosen().size() < Math.min(limit, rooms.get(name))) {
                heldByKeys.add(name);
            }
        });
        result.sort(TaskStore.CLAIM_ORDER);
        return result;
    }

    @Override
    public boolean paused() {
        return paused;
    }

    /** Claims that found the lane paused so far: for tests. */
    long pausedClaims() {
        synchronized (pausedClaims) {
            return pausedClaims[0];
        }
    }

    /** Tests: waits until {@code atLeast} claims have found the lane paused; false at the timeout. */
    boolean awaitPausedClaims(long atLeast, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (pausedClaims) {
            while (pausedClaims[0] < atLeast) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(pausedClaims, left);
            }
            return true;
        }
    }

    /**
     * Tasks of names this foreman has no handler for: it never claims them, as another foreman may have one (a
     * rolling deploy's new task type, older foremen still running). Logs each such name at WARN, and notes the names
     * with tasks due longer than {@code unhandledTimeout} ago: by then no foreman has taken them, so nobody handles
     * that name, and {@link #sweepUnhandled} keeps them in the failed-tasks table, where an operator looks. Never
     * throws.
     *
     * @return whether some are that old: {@link #sweepUnhandled} has work
     */
    @Override
    public boolean checkUnhandled() {
        overdue.clear();
        if (!checksUnhandled) {
            return false;
        }
        try {
            List<TaskStore.NameCount> waiting = database.autocommit(dsl -> TaskStore.pendingOtherThan(dsl, names,
                    TaskStore.MAX_NAMES_LOOKED_AT));
            java.util.Map<String, Long> seen = new java.util.LinkedHashMap<>();
            waiting.stream().limit(NAMES_SHOWN).forEach(w -> seen.put(w.taskName(), w.count()));
            unhandled = java.util.Collections.unmodifiableMap(seen);
            long now = clock.millis();
            for (int i = 0; i < waiting.size(); i++) {
                TaskStore.NameCount w = waiting.get(i);
                long ageMillis = Math.max(0, now - w.earliestDueAt());
                if (ageMillis >= unhandledTimeoutMillis) {
                    overdue.add(w.taskName());
                }
                if (i < NAMES_SHOWN) {
                    log.warn("{} tasks named {} are waiting, the earliest due {} s ago; this foreman has no handler"
                            + " for them (it handles {}). They stay queued for a foreman that has one; after"
                            + " unhandledTimeout ({}) they are kept in dbmq_failed_task", w.count(),
                            printable(w.taskName()), ageMillis / 1000, names,
                            Durations.format(Duration.ofMillis(unhandledTimeoutMillis)));
                }
            }
            if (waiting.size() > NAMES_SHOWN) {
                log.warn("… and tasks of {} more names this foreman has no handler for", waiting.size() - NAMES_SHOWN);
            }
            sweepBefore = now - unhandledTimeoutMillis;
            keptOfName = 0;
        } catch (Throwable t) {
            overdue.clear();
            log.warn("Cannot look for tasks without a handler ({}); will look again", t.toString());
        }
        return !overdue.isEmpty();
    }

    /**
     * Keeps one batch (at most {@value #SWEEP_BATCH}) of the tasks {@link #checkUnhandled} found overdue in the
     * failed-tasks table, in one transaction: a bounded step, so the foreman runs due work between batches. Logs one
     * ERROR line per name once its overdue tasks are all kept. Never throws; after a failure the next look starts
     * again.
     *
     * @return whether more may remain
     */
    @Override
    public boolean sweepUnhandled() {
        String name = overdue.peekFirst();
        if (name == null) {
            return false;
        }
        List<TaskStore.Row> rows;
        try {
            rows = database.transaction(dsl -> {
                List<TaskStore.Row> taken = TaskStore.takeUnhandled(storage.claimForm(), dsl, name, sweepBefore,
                        SWEEP_BATCH);
                long now = clock.millis();
                for (TaskStore.Row row : taken) {
                    TaskStore.keepFailed(dsl, row, now, unhandledReason(row));
                }
                return taken;
            });
        } catch (Throwable t) {
            logKept(name);
            overdue.clear();
            log.warn("Cannot keep tasks without a handler in dbmq_failed_task ({}); will try again at the next look",
                    t.toString());
            return false;
        }
        for (TaskStore.Row row : rows) {
            if (log.isDebugEnabled()) {
                log.debug("Task {} ({}) had no handler for {} s; kept in dbmq_failed_task", row.id(),
                        printable(row.taskName()), unhandledTimeoutMillis / 1000);
            }
            long now = clock.millis();
            String reason = unhandledReason(row);
            counters.ended(row, FinishedAttempt.Outcome.FAILED, now, now, foremanId, reason);
            counters.failed(row.taskName());
            listener.taskRejected(rejected(row, reason));
        }
        keptOfName += rows.size();
        keptTotal += rows.size();
        if (rows.size() < SWEEP_BATCH) {
            logKept(name);
            overdue.removeFirst();
        }
        return !overdue.isEmpty();
    }

    private void logKept(String name) {
        if (keptOfName > 0) {
            log.error("Kept {} tasks named {} in dbmq_failed_task: due more than unhandledTimeout ({}) ago, and no"
                    + " foreman has taken them (this one handles {}). Requeue them once a foreman handles that name",
                    keptOfName, printable(name), Durations.format(Duration.ofMillis(unhandledTimeoutMillis)), names);
        }
        keptOfName = 0;
    }

    /** How many tasks without a handler this claimer has kept as failed, in all. Foreman thread. */
    long keptUnhandled() {
        return keptTotal;
    }

    /** Pending tasks per name this foreman has no handler for, as its last look found them. */
    java.util.Map<String, Long> unhandled() {
        return unhandled;
    }

    private TaskEvent.Rejected rejected(TaskStore.Row row, String reason) {
        return new TaskEvent.Rejected(row.id(), row.taskName(), row.attempt(), foremanId, reason);
    }

    private String unhandledReason(TaskStore.Row row) {
        return "no handler for task name \"" + row.taskName() + "\" in any foreman for unhandledTimeout ("
                + unhandledTimeoutMillis / 1000 + " s); the one that kept it handles " + names;
    }

    /**
     * Puts claimed tasks that never started back in the queue under their own ids (they keep their place in line;
     * ids are never reused, so none can clash). Nothing ran, so at-most-once holds. When that write fails the
     * tasks are lost: each is logged by id at ERROR.
     */
    @Override
    public void giveBack(List<ClaimedTask> unstarted, String why) {
        if (unstarted.isEmpty()) {
            return;
        }
        List<TaskStore.Row> rows = unstarted.stream().map(ClaimedTask::row).toList();
        try {
            database.transaction(dsl -> {
                TaskStore.putBack(dsl, rows);
                storage.clearRunning(dsl, foremanId, slots(unstarted));
                return null;
            });
            if (records != null) {
                slots(unstarted).forEach(records::deleted);
            }
            log.warn("{} claimed tasks never started ({}); put back in the queue: {}", rows.size(), why,
                    ids(rows));
        } catch (Throwable e) {
            // Their records (and slots) stay: the next foreman to start keeps them as interrupted.
            log.error("{} claimed tasks never started ({}) and could not be put back ({}); {}: {}", rows.size(),
                    why, e.toString(), records == null ? "LOST" : "kept as interrupted once this foreman is gone",
                    ids(rows));
        }
    }

    /** The record slots of claimed tasks, for a foreman that keeps records; none for a manual one. */
    private static List<Integer> slots(List<ClaimedTask> tasks) {
        return tasks.stream().map(ClaimedTask::slot).filter(s -> s != ClaimedTask.NO_SLOT).toList();
    }

    @Override
    public RunningRecords.Lease leaseForHandoff() {
        return records == null ? null : records.lease(1);
    }

    @Override
    public void recordHandedOver(DSLContext dsl, ClaimedTask task) {
        if (task.slot() != ClaimedTask.NO_SLOT) {
            storage.recordRunning(dsl, List.of(task.entry()), foremanId, task.row().createdAt());
        }
    }

    @Override
    public void endHandoffLease(RunningRecords.Lease lease, boolean committed) {
        if (lease != null) {
            records.keep(lease, committed ? lease.size() : 0);
        }
    }

    private void giveBack(RunningRecords.Lease lease) {
        if (lease != null) {
            records.giveBack(lease);
        }
    }

    private static String ids(List<TaskStore.Row> rows) {
        StringBuilder sb = new StringBuilder();
        for (TaskStore.Row r : rows) {
            sb.append(sb.isEmpty() ? "" : ", ").append(r.id()).append(' ').append(printable(r.taskName()));
        }
        return sb.toString();
    }

    /** A stored name as it may appear in a log line: written by anyone, so short and without control characters. */
    static String printable(String name) {
        StringBuilder sb = new StringBuilder(Math.min(name.length(), 100));
        name.codePoints().limit(100).forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return name.codePointCount(0, name.length()) > 100 ? sb + "…" : sb.toString();
    }

    private static String describe(Throwable e) {
        try {
            String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? j.getOriginalMessage() : e.getMessage();
            return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        } catch (Throwable t) {
            return e.getClass().getSimpleName();
        }
    }
}
