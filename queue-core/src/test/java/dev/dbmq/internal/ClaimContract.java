package dev.dbmq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The backend contract's area: claims, oldest due first, by name, never more than the limit, never one task twice;
 * the next due time.
 */
public interface ClaimContract extends BackendUnderTest {

    @Test
    default void claim_takes_the_oldest_first_at_most_limit_and_deletes_them() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(insert(backend(), A, i, 100 + i));
        }
        List<TaskStore.Row> first = claim(backend(), 3, null);
        assertEquals(ids.subList(0, 3), ids(first));
        assertEquals(new TaskStore.Row(ids.get(0), A, arg(0), 100, 100, 1, null, null, null, 1, null), first.get(0));
        assertEquals(7, pending(backend()));
        assertEquals(ids.subList(3, 7), ids(claim(backend(), 4, List.of(A))));
        assertEquals(ids.subList(7, 10), ids(claim(backend(), 100, null)));
        assertEquals(0, pending(backend()));
        assertEquals(List.of(), claim(backend(), 5, null), "a claim on an empty queue");
        assertEquals(List.of(), claim(backend(), 5, List.of(A)), "a claim of one name on an empty queue");
        assertEquals(List.of(), claim(backend(), 5, List.of(A, B)), "a claim of names on an empty queue");
    }

    @Test
    default void claim_respects_names_when_other_names_tasks_are_older_and_interleaved() {
        // b b a c b a b c a b …: the other names' tasks come first and between
        String[] pattern = {B, B, A, C, B, A, B, C, A, B};
        List<TaskStore.Row> inserted = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < pattern.length; i++) {
                int n = round * pattern.length + i;
                inserted.add(new TaskStore.Row(insert(backend(), pattern[i], n, n), pattern[i], arg(n), n, n, 1, null,
                        null, null, 1, null));
            }
        }
        List<TaskStore.Row> left = new ArrayList<>(inserted);

        List<TaskStore.Row> oneName = claim(backend(), 2, List.of(A));
        assertEquals(oldest(left, 2, Set.of(A)), oneName);
        left.removeAll(oneName);

        List<TaskStore.Row> twoNames = claim(backend(), 5, List.of(C, A)); // not in id order of their tasks
        assertEquals(oldest(left, 5, Set.of(A, C)), twoNames);
        left.removeAll(twoNames);

        List<TaskStore.Row> withMissing = claim(backend(), 3, List.of("contract_none", C));
        assertEquals(oldest(left, 3, Set.of(C)), withMissing);
        left.removeAll(withMissing);

        List<TaskStore.Row> any = claim(backend(), 4, null);
        assertEquals(oldest(left, 4, Set.of(A, B, C)), any);
        left.removeAll(any);

        assertEquals(List.of(), claim(backend(), 5, List.of("contract_none")));
        assertEquals(left.size(), pending(backend()));
        List<TaskStore.Row> rest = claim(backend(), 1000, List.of(A, B, C));
        assertEquals(left, rest);
        assertEquals(0, pending(backend()));
    }

    private static List<TaskStore.Row> oldest(List<TaskStore.Row> rows, int limit, Set<String> names) {
        return rows.stream().filter(r -> names.contains(r.taskName())).limit(limit).toList();
    }

    @Test
    default void backend_claim_never_returns_more_than_limit() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            all.add(i % 3 == 0 ? A : i % 3 == 1 ? B : C);
        }
        storage().database().transaction(dsl -> {
            for (int i = 0; i < all.size(); i++) {
                storage().insert(dsl, all.get(i), arg(i), null, i, i, 1);
            }
            return null;
        });
        for (List<String> names : java.util.Arrays.asList(null, List.of(A), List.of(A, B), List.of(C, B, A))) {
            for (int limit : new int[] {1, 2, 5}) {
                List<TaskStore.Row> rows = storage().database().transaction(dsl -> storage().claim(dsl, limit, names,
                        java.util.Map.of(), Long.MAX_VALUE));
                assertTrue(rows.size() <= limit, "storage().claim(limit " + limit + ", names " + names + ") returned "
                        + rows.size() + " rows");
                assertEquals(limit, rows.size(), "enough tasks are pending for a full claim, names " + names);
                Set<String> allowed = names == null ? Set.of(A, B, C) : Set.copyOf(names);
                assertTrue(rows.stream().allMatch(r -> allowed.contains(r.taskName())), "names " + names + ": " + rows);
            }
        }
    }

    @Test
    default void concurrent_claims_from_two_backends_never_share_a_task() throws Exception {
        List<Long> inserted = storage().database().transaction(dsl -> storage().insertAll(dsl, A, args(2000), null, 1,
                1, 1));
        Backend[] claimers = {closing(openSame()), closing(openSame())};
        CountDownLatch ready = new CountDownLatch(claimers.length);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(claimers.length);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (Backend claimer : claimers) {
                Callable<List<Long>> claiming = () -> {
                    ready.countDown();
                    assertTrue(go.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                    List<Long> mine = new ArrayList<>();
                    for (int round = 0; ; round++) {
                        int limit = 1 + round % 7;
                        List<TaskStore.Row> rows = claim(claimer, limit, round % 2 == 0 ? null : List.of(A));
                        if (rows.isEmpty()) {
                            return mine;
                        }
                        mine.addAll(ids(rows));
                    }
                };
                results.add(pool.submit(claiming));
            }
            await(ready, "both claimers ready");
            go.countDown();
            List<Long> union = new ArrayList<>();
            for (Future<List<Long>> r : results) {
                union.addAll(r.get(60, TimeUnit.SECONDS));
            }
            Set<Long> distinct = new HashSet<>(union);
            assertEquals(union.size(), distinct.size(), "a task was claimed twice: "
                    + union.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting())).entrySet()
                    .stream().filter(e -> e.getValue() > 1).limit(10).toList());
            assertEquals(new HashSet<>(inserted), distinct, "the claimed ids are the inserted ones");
            assertEquals(0, pending(backend()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void takeUnhandled_takes_one_names_tasks_due_before_the_cutoff_oldest_due_first_at_most_limit() {
        List<TaskStore.Row> inserted = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String name = i % 3 == 0 ? A : i % 3 == 1 ? B : C;
            long dueAt = 1_000 + (i % 2 == 0 ? 40 - i : 100 + i); // odd ones are new; due order is not id order
            inserted.add(new TaskStore.Row(insertDue(backend(), name, i, dueAt), name, arg(i), 1, dueAt, 1, null,
                    null, null, 1, null));
        }
        long cutoff = 1_050;
        List<Long> overdueB = inserted.stream().filter(r -> r.taskName().equals(B) && r.dueAt() < cutoff)
                .sorted(TaskStore.CLAIM_ORDER).map(TaskStore.Row::id).toList();
        List<TaskStore.Row> first = storage().database().transaction(dsl ->
                TaskStore.takeUnhandled(storage().claimForm(), dsl, B, cutoff, 3));
        assertEquals(overdueB.subList(0, 3), first.stream().map(TaskStore.Row::id).toList());
        List<TaskStore.Row> rest = storage().database().transaction(dsl ->
                TaskStore.takeUnhandled(storage().claimForm(), dsl, B, cutoff, 1000));
        assertEquals(overdueB.subList(3, overdueB.size()), rest.stream().map(TaskStore.Row::id).toList());
        assertEquals(List.of(), storage().database().transaction(dsl ->
                TaskStore.takeUnhandled(storage().claimForm(), dsl, B, cutoff, 1000)));
        assertEquals(inserted.size() - overdueB.size(), pending(backend()), "other names and later ones stay");
    }

    @Test
    default void pendingOtherThan_counts_each_other_name_in_name_order_with_its_earliest_due_time() {
        String[] names = {C, A, "z-last", B, "a-first", C, C, B};
        long[] due = {500, 10, 700, 300, 20, 400, 600, 200};
        for (int i = 0; i < names.length; i++) {
            insertDue(backend(), names[i], i, due[i]);
        }
        List<TaskStore.NameCount> others = storage().database().autocommit(dsl ->
                TaskStore.pendingOtherThan(dsl, List.of(A), 100));
        assertEquals(List.of(new TaskStore.NameCount("a-first", 1, 20), new TaskStore.NameCount(B, 2, 200),
                new TaskStore.NameCount(C, 3, 400), new TaskStore.NameCount("z-last", 1, 700)), others);
        assertEquals(List.of(new TaskStore.NameCount("a-first", 1, 20), new TaskStore.NameCount(B, 2, 200)),
                storage().database().autocommit(dsl -> TaskStore.pendingOtherThan(dsl, List.of(A), 2)),
                "at most maxNames names");
        assertEquals(List.of(), storage().database().autocommit(dsl ->
                TaskStore.pendingOtherThan(dsl, List.of(A, B, C, "a-first", "z-last"), 100)));
    }

    @Test
    default void claim_takes_due_tasks_only_oldest_due_first_across_names() {
        long a300 = insertDue(backend(), A, 1, 300);
        long b100 = insertDue(backend(), B, 2, 100);
        long a200 = insertDue(backend(), A, 3, 200);
        long b900 = insertDue(backend(), B, 4, 900);
        long c50 = insertDue(backend(), C, 5, 50);
        assertEquals(List.of(), ids(claimAt(backend(), 10, List.of(A, B), 99)), "nothing of A, B due at 99");
        assertEquals(List.of(b100, a200), ids(claimAt(backend(), 2, List.of(A, B), 1_000)), "due order, limit 2");
        assertEquals(List.of(a300), ids(claimAt(backend(), 10, List.of(A), 300)), "due at its due time");
        assertEquals(List.of(c50), ids(claimAt(backend(), 10, null, 800)), "any name, due by 800");
        assertEquals(List.of(b900), ids(claimAt(backend(), 10, List.of(B), 900)));
        assertEquals(0, pending(backend()));
    }

    @Test
    default void the_same_due_time_claims_in_id_order_and_a_batch_shares_one_due_time() {
        List<Long> ids = storage().database().transaction(dsl -> storage().insertAll(dsl, A, args(150), null, 1, 500, 1));
        assertEquals(List.of(), claimAt(backend(), 200, List.of(A), 499));
        List<TaskStore.Row> rows = claimAt(backend(), 200, List.of(A), 500);
        assertEquals(ids, ids(rows));
        assertTrue(rows.stream().allMatch(r -> r.dueAt() == 500 && r.attempt() == 1 && r.uniqueKey() == null));
    }

    @Test
    default void nextDueAt_is_the_earliest_due_time_of_the_names_or_null() {
        assertEquals(null, nextDue(List.of(A, B)));
        insertDue(backend(), A, 1, 700);
        insertDue(backend(), B, 2, 400);
        insertDue(backend(), C, 3, 100);
        assertEquals(Long.valueOf(400), nextDue(List.of(A, B)));
        assertEquals(Long.valueOf(700), nextDue(List.of(A)));
        assertEquals(null, nextDue(List.of("none")));
    }

    @Test
    default void claims_take_the_highest_priority_first_then_the_oldest_due_then_id_across_names() {
        // inserted in an order that is none of the claim's
        long a3 = insertDue(backend(), A, 1, 100, 3);
        long b0 = insertDue(backend(), B, 2, 900, 0);
        long a1 = insertDue(backend(), A, 3, 300, 1);
        long c0 = insertDue(backend(), C, 4, 500, 0);
        long b1 = insertDue(backend(), B, 5, 200, 1);
        long a0Later = insertDue(backend(), A, 6, 5_000, 0); // not due at 1,000: no help to anyone before
        long a2 = insertDue(backend(), A, 7, 50, 2);
        long b3 = insertDue(backend(), B, 8, 100, 3); // as a3 but for its id
        List<String> names = List.of(A, B, C);
        assertEquals(List.of(c0, b0), ids(claimAt(backend(), 2, names, 1_000)), "priority 0, oldest due first");
        assertEquals(List.of(b1, a1, a2), ids(claimAt(backend(), 3, names, 1_000)), "then 1, then 2");
        assertEquals(List.of(a3, b3), ids(claimAt(backend(), 10, names, 1_000)), "then 3, in id order");
        assertEquals(List.of(a0Later), ids(claimAt(backend(), 10, names, 5_000)));
        assertEquals(0, pending(backend()));
    }

    @Test
    default void a_claim_of_one_name_reads_its_priorities_in_order_and_stops_at_the_limit() {
        List<Long> low = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            low.add(insertDue(backend(), A, i, 10 + i, 3));
        }
        long high = insertDue(backend(), A, 50, 900, 0);
        long futureHigh = insertDue(backend(), A, 51, 2_000, 0);
        long normal = insertDue(backend(), A, 52, 800, 1);
        assertEquals(List.of(high, normal, low.get(0)), ids(claimAt(backend(), 3, List.of(A), 1_000)));
        assertEquals(low.subList(1, 5), ids(claimAt(backend(), 4, null, 1_000)), "any name: the same order");
        assertEquals(Long.valueOf(15), nextDue(List.of(A)), "the earliest due of every priority");
        List<Long> rest = new ArrayList<>(low.subList(5, 50));
        assertEquals(rest, ids(claimAt(backend(), 100, List.of(A), 1_999)));
        assertEquals(Long.valueOf(2_000), nextDue(List.of(A)));
        assertEquals(List.of(futureHigh), ids(claimAt(backend(), 100, List.of(A), 2_000)));
    }

    @Test
    default void nextDueAt_and_takeUnhandled_cover_every_priority() {
        insertDue(backend(), A, 1, 700, 3);
        insertDue(backend(), A, 2, 900, 0);
        insertDue(backend(), B, 3, 400, 2);
        long b0 = insertDue(backend(), B, 4, 600, 0);
        assertEquals(Long.valueOf(700), nextDue(List.of(A)));
        assertEquals(Long.valueOf(400), nextDue(List.of(A, B)));
        List<TaskStore.Row> taken = storage().database().transaction(dsl ->
                TaskStore.takeUnhandled(storage().claimForm(), dsl, B, 1_000, 10));
        assertEquals(List.of(0, 2), taken.stream().map(TaskStore.Row::priority).toList(), "both, by priority");
        assertEquals(b0, taken.get(0).id());
        assertEquals(Long.valueOf(700), nextDue(List.of(A, B)));
    }

    @Test
    default void a_capped_name_gives_at_most_its_cap_over_every_priority_and_the_others_fill_the_claim() {
        long a0 = insertDue(backend(), A, 1, 10, 0);
        insertDue(backend(), A, 2, 5, 1);
        insertDue(backend(), A, 3, 1, 2);
        long b1 = insertDue(backend(), B, 4, 20, 1);
        long b3 = insertDue(backend(), B, 5, 30, 3);
        List<TaskStore.Row> rows = storage().database().transaction(dsl ->
                TaskStore.claim(storage(), dsl, 10, List.of(A, B), java.util.Map.of(A, 1), 1_000));
        assertEquals(List.of(a0, b1, b3), ids(rows), "one of A, its highest priority; B uncapped");
        List<TaskStore.Row> two = storage().database().transaction(dsl ->
                TaskStore.claim(storage(), dsl, 10, List.of(A), java.util.Map.of(A, 2), 1_000));
        assertEquals(List.of(1, 2), two.stream().map(TaskStore.Row::priority).toList(), "a cap of 2, one name");
        assertEquals(0, pending(backend()));
    }

    private Long nextDue(List<String> names) {
        return storage().database().transaction(dsl -> storage().nextDueAt(dsl, names));
    }
}
