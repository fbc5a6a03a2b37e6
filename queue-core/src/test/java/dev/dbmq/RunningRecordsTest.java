package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The record slots of one foreman: where each slot goes, step by step. */
class RunningRecordsTest {

    @Test
    void a_claim_writes_over_ended_records_first_and_gives_back_what_it_did_not_use() {
        RunningRecords r = new RunningRecords(4);
        RunningRecords.Lease first = r.lease(3);
        assertArrayEquals(new int[] {0, 1, 2}, slots(first, 3));
        r.keep(first, 2); // two tasks claimed: slot 2 goes back, free
        r.succeeded(0);   // its record stays, to be written over
        assertTrue(r.anyEnded());
        RunningRecords.Lease second = r.lease(4);
        assertArrayEquals(new int[] {0, 2, 3}, slots(second, 3), "the ended slot first, then the free ones");
        r.giveBack(second); // the claim rolled back: each where it was
        RunningRecords.Lease third = r.lease(1);
        assertEquals(0, third.slot(0), "the ended slot is still first");
        r.keep(third, 1);
        assertFalse(r.anyEnded());
    }

    @Test
    void a_flush_clears_ended_records_and_frees_their_slots_or_keeps_them_when_it_fails() {
        RunningRecords r = new RunningRecords(2);
        r.keep(r.lease(2), 2);
        r.succeeded(1);
        r.deleted(0); // a failed attempt's outcome deleted its record
        List<Integer> ended = r.takeEnded();
        assertEquals(List.of(1), ended);
        r.notCleared(ended); // the flush failed
        assertEquals(List.of(1), r.takeEnded());
        r.cleared(List.of(1));
        assertFalse(r.anyEnded());
        assertArrayEquals(new int[] {0, 1}, slots(r.lease(5), 2), "both free; never more than workers");
    }

    @Test
    void never_leases_more_slots_than_workers() {
        RunningRecords r = new RunningRecords(3);
        assertEquals(3, r.lease(10).size());
        assertEquals(0, r.lease(1).size());
    }

    private static int[] slots(RunningRecords.Lease lease, int n) {
        int[] slots = new int[n];
        for (int i = 0; i < n; i++) {
            slots[i] = lease.slot(i);
        }
        return slots;
    }
}
