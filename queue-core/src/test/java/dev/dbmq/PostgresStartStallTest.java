package dev.dbmq;

import org.junit.jupiter.api.Test;

/**
 * {@link StartStallTest} on PostgreSQL, where what producers need is a free connection of the pool: the scenario's pool
 * has two, one held by the foreman's LISTEN, so a foreman thread doing its first-use work on a borrowed connection
 * leaves producers none.
 */
@NeedsPostgres
class PostgresStartStallTest {

    @Test
    void a_foreman_starting_in_a_cold_jvm_never_holds_a_pooled_connection_while_it_loads_jooq_or_jackson()
            throws Exception {
        StartStallTest.runColdScenario("pg:" + PostgresSupport.newSchema("dbmq_start_stall"));
    }
}
