package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.internal.LimitPlaceStore;
import dev.dbmq.internal.RunningStore;
import dev.dbmq.internal.TaskStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The places of a concurrency limit on PostgreSQL ({@link LimitPlaceStore}): which places a claim may take, as the
 * running records that hold them come and go.
 */
@NeedsPostgres
class PostgresLimitPlaceTest {

    static final String NAME = "limited";

    HikariDataSource pool;
    String schema;
    TaskQueue queue;

    @BeforeEach
    void open() {
        pool = PostgresSupport.pool(4);
        schema = PostgresSupport.newSchema("dbmq_place");
        queue = TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build());
        tx(dsl -> {
            LimitPlaceStore.ensure(dsl, NAME, 3);
            LimitPlaceStore.ensure(dsl, NAME, 3); // again, as a second foreman does: nothing more
            return null;
        });
    }

    @AfterEach
    void close() throws Exception {
        queue.close();
        PostgresSupport.dropSchema(pool, schema);
        pool.close();
    }

    <T> T tx(java.util.function.Function<DSLContext, T> work) {
        return QueueInternals.database(queue).transaction(work);
    }

    List<Integer> take(String foreman, int want, Set<Integer> ended) {
        return tx(dsl -> places().take(dsl, NAME, 3, want, foreman, ended));
    }

    dev.dbmq.internal.Storage storage() {
        return QueueInternals.backend(queue).storage();
    }

    dev.dbmq.internal.LimitPlaces places() {
        return storage().limitPlaces();
    }

    /** A running record of {@code NAME}, as a claim writes it. */
    void run(DSLContext dsl, String foreman, int slot, long id) {
        run(dsl, NAME, foreman, slot, id);
    }

    void run(DSLContext dsl, String name, String foreman, int slot, long id) {
        storage().recordRunning(dsl, entry(name, slot, id), foreman, 0);
    }

    /** Records {@code foreman}'s task {@code id} of {@code NAME} in {@code slot}, holding place 1, as a claim does. */
    void recordHolding(DSLContext dsl, String foreman, int slot, long id, Set<Integer> ended) {
        places().recordHolding(dsl, entry(NAME, slot, id), foreman, 0,
                List.of(new LimitPlaceStore.Hold(NAME, 1, slot, id)), ended);
    }

    static List<RunningStore.Entry> entry(String name, int slot, long id) {
        return List.of(new RunningStore.Entry(new TaskStore.Row(id, name, "{}", 0, 0, 1, null, null, null, 1, null),
                slot, null));
    }

    @Test
    void a_place_is_taken_while_the_record_that_holds_it_runs_and_free_once_it_is_gone() {
        assertEquals(List.of(1, 2, 3), take("f1", 5, Set.of()), "three places, none held");
        tx(dsl -> {
            recordHolding(dsl, "f1", 0, 10, Set.of());
            return null;
        });
        assertEquals(List.of(2, 3), take("f2", 5, Set.of()), "place 1 held by f1's running task");
        assertEquals(List.of(2, 3), take("f1", 5, Set.of()), "held for f1 too while it runs");
        assertEquals(List.of(1, 2, 3), take("f1", 5, Set.of(0)), "f1's own ended slot: free for f1 at once");
        assertEquals(List.of(2, 3), take("f2", 5, Set.of(0)), "but not for another foreman, whose slot 0 it is not");
        tx(dsl -> {
            run(dsl, "other", "f1", 0, 11); // the slot written over by a later claim: task 10's record is gone
            return null;
        });
        assertEquals(List.of(1, 2, 3), take("f2", 5, Set.of()), "free once the record that held it is gone");
    }

    /**
     * Holding checks each place again, in a snapshot of its own: a place {@code take} found free by its statement's
     * older snapshot, but that another claim has taken since (its record running), rolls the claim back, nothing
     * recorded; a place free by its holder's record gone, or by the claiming foreman's own ended slot, is held.
     */
    @Test
    void holding_a_place_another_claim_took_meanwhile_rolls_the_claim_back() {
        tx(dsl -> {
            recordHolding(dsl, "f2", 0, 20, Set.of());
            return null;
        });
        assertThrows(LimitPlaceStore.PlaceTaken.class, () -> tx(dsl -> {
            recordHolding(dsl, "f1", 0, 30, Set.of());
            return null;
        }));
        assertEquals(0, (int) tx(dsl -> dsl.fetchCount(dev.dbmq.internal.jooq.Tables.DBMQ_RUNNING,
                dev.dbmq.internal.jooq.Tables.DBMQ_RUNNING.ID.eq(30L))), "rolled back: not recorded");
        tx(dsl -> {
            recordHolding(dsl, "f2", 0, 21, Set.of(0)); // f2's slot 0 ended: its own to reuse
            run(dsl, "other", "f3", 0, 22);
            return null;
        });
        assertEquals(List.of(2, 3), take("f1", 5, Set.of()), "held by f2's task 21");
        tx(dsl -> {
            run(dsl, "other", "f2", 0, 23); // task 21's record written over: place 1 free
            recordHolding(dsl, "f1", 1, 24, Set.of());
            return null;
        });
        assertEquals(List.of(2, 3), take("f2", 5, Set.of()), "held by f1's task 24");
    }

    /**
     * Running tasks of the type that hold no place are not counted: the places are the limit (every foreman that knows
     * the limit takes them). A claim must not scan the running records for such tasks.
     */
    @Test
    void the_places_alone_are_the_limit() {
        tx(dsl -> {
            run(dsl, "old", 0, 20);
            run(dsl, "old", 1, 21);
            return null;
        });
        assertEquals(List.of(1, 2, 3), take("f1", 5, Set.of()));
    }

    /** Two claims at once take different places: the second skips the first's, locked until it ends. */
    @Test
    void claims_at_once_take_different_places() throws Exception {
        CountDownLatch firstTook = new CountDownLatch(1);
        CountDownLatch secondTook = new CountDownLatch(1);
        CompletableFuture<List<Integer>> first = CompletableFuture.supplyAsync(() -> tx(dsl -> {
            List<Integer> taken = places().take(dsl, NAME, 3, 2, "f1", Set.of());
            firstTook.countDown();
            await(secondTook);
            return taken;
        }));
        assertEquals(true, firstTook.await(30, TimeUnit.SECONDS));
        List<Integer> second = take("f2", 2, Set.of());
        secondTook.countDown();
        assertEquals(List.of(1, 2), first.get(30, TimeUnit.SECONDS));
        assertEquals(List.of(3), second);
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
