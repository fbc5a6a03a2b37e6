package dev.dbmq.internal.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.sql.Connection;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** How the pool's size is read without depending on a pool, and which sizes are refused: tables, no database. */
class PoolSizeTest {

    @Test
    void a_pool_smaller_than_two_connections_is_refused_naming_its_size_and_what_dbmq_needs() {
        Object[][] table = {
                // size, refused
                {1, true},
                {2, false},
                {3, false},
                {100, false},
        };
        for (Object[] row : table) {
            String refusal = PoolSize.refusal((int) row[0], "HikariDataSource.getMaximumPoolSize()", "start a foreman");
            assertEquals(row[1], refusal != null, "size " + row[0] + ": " + refusal);
        }
        assertEquals("cannot start a foreman on a pool of at most 1 connection (HikariDataSource.getMaximumPoolSize()"
                + " = 1): dbmq needs at least 2. A foreman's LISTEN holds one connection for as long as it runs, and"
                + " claims and enqueues need another (migrating a new schema takes two at once); with fewer, nothing"
                + " runs and enqueues wait out the pool's timeout. Raise the pool's maximum size to 2 or more, plus"
                + " what the application itself uses of it",
                PoolSize.refusal(1, "HikariDataSource.getMaximumPoolSize()", "start a foreman"));
    }

    @Test
    void the_size_is_read_from_the_getters_of_known_pools_and_anything_else_is_unknown() {
        Object[][] table = {
                // data source, size (null: unknown), source
                {new Hikari(1), 1, "Hikari.getMaximumPoolSize()"},
                {new Dbcp(8), 8, "Dbcp.getMaxTotal()"},
                {new Dbcp(-1), null, null},           // DBCP2's "no limit"
                {new Tomcat(1), 1, "Tomcat.getMaxActive()"},
                {new C3p0(5), 5, "C3p0.getMaxPoolSize()"},
                {new Failing(), null, null},          // a getter that throws says nothing
                {new Plain(), null, null},
                {new PGSimpleDataSource(), null, null},
        };
        for (Object[] row : table) {
            PoolSize.Known known = PoolSize.of((DataSource) row[0]);
            String what = row[0].getClass().getSimpleName();
            assertEquals(row[1], known == null ? null : known.size(), what);
            assertEquals(row[2], known == null ? null : known.source(), what);
        }
        assertTrue(PoolSize.refusal(new Hikari(1), "open the queue").startsWith("cannot open the queue on a pool of"
                + " at most 1 connection (Hikari.getMaximumPoolSize() = 1)"));
        assertNull(PoolSize.refusal(new Plain(), "open the queue"));
    }

    /** Named as the pools' own getters are; the real HikariCP is checked against the server in PoolTooSmallTest. */
    static class Plain implements DataSource {
        @Override
        public Connection getConnection() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Connection getConnection(String user, String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return null;
        }

        @Override
        public <T> T unwrap(Class<T> iface) {
            return null;
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }

    static class Hikari extends Plain {
        final int size;

        Hikari(int size) {
            this.size = size;
        }

        public int getMaximumPoolSize() {
            return size;
        }
    }

    static class Dbcp extends Plain {
        final int size;

        Dbcp(int size) {
            this.size = size;
        }

        public int getMaxTotal() {
            return size;
        }
    }

    static class Tomcat extends Plain {
        final int size;

        Tomcat(int size) {
            this.size = size;
        }

        public int getMaxActive() {
            return size;
        }
    }

    static class C3p0 extends Plain {
        final int size;

        C3p0(int size) {
            this.size = size;
        }

        public int getMaxPoolSize() {
            return size;
        }
    }

    static class Failing extends Plain {
        public int getMaximumPoolSize() {
            throw new IllegalStateException("closed");
        }
    }
}
