package dev.dbmq.internal.postgres;

import java.util.List;
import javax.sql.DataSource;

/**
 * The most connections a DataSource's pool opens, where the pool says (read by name, so that dbmq depends on no
 * pool), and the refusal of a pool too small for dbmq: {@value #MINIMUM} connections at least. Flyway migrates a new
 * schema on two connections at once, and a foreman's LISTEN holds one for as long as it runs: with one connection the
 * migration fails after the pool's timeout, and on a migrated schema a foreman claims nothing and every enqueue of
 * its JVM waits out the pool's timeout while the foreman looks healthy. Two are enough for dbmq itself, slowly.
 *
 * <p>A pool whose size can't be read (none of {@link #GETTERS}, or a wrapper around the pool) is not checked.
 */
final class PoolSize {

    /** Fewest connections dbmq works with: LISTEN's, and one for claims and enqueues (Flyway's two at first). */
    static final int MINIMUM = 2;

    /**
     * Public getters of the maximum pool size, by pool: HikariCP's {@code HikariDataSource}, Commons DBCP2's
     * {@code BasicDataSource}, Tomcat JDBC's {@code DataSource}, c3p0's and Oracle UCP's pools. A value of 0 or less
     * means no limit (DBCP2's -1).
     */
    static final List<String> GETTERS = List.of("getMaximumPoolSize", "getMaxTotal", "getMaxActive",
            "getMaxPoolSize");

    private PoolSize() {
    }

    /** The pool's maximum size and the getter that told it, or null when it can't be read or has no limit. */
    static Known of(DataSource dataSource) {
        Class<?> type = dataSource.getClass();
        for (String name : GETTERS) {
            Object value;
            try {
                value = type.getMethod(name).invoke(dataSource);
            } catch (NoSuchMethodException e) {
                continue; // not this pool: the next name
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null; // a getter that fails (or is not public) says nothing: not checked
            }
            if (value instanceof Integer size) {
                return size > 0 ? new Known(size, type.getSimpleName() + "." + name + "()") : null;
            }
        }
        return null;
    }

    /** A pool's maximum size, as {@code source} gave it. */
    record Known(int size, String source) {
    }

    /**
     * Why a pool of {@code size} connections can't serve dbmq, for {@code use} ("open the queue", "start a
     * foreman"); null when it can. The pool is named by how its size was read ({@code source}).
     */
    static String refusal(int size, String source, String use) {
        if (size >= MINIMUM) {
            return null;
        }
        return "cannot " + use + " on a pool of at most " + size + (size == 1 ? " connection" : " connections")
                + " (" + source + " = " + size + "): dbmq needs at least " + MINIMUM + ". A foreman's LISTEN holds one"
                + " connection for as long as it runs, and claims and enqueues need another (migrating a new schema"
                + " takes two at once); with fewer, nothing runs and enqueues wait out the pool's timeout. Raise the"
                + " pool's maximum size to " + MINIMUM + " or more, plus what the application itself uses of it";
    }

    /** Why {@code dataSource}'s pool can't serve dbmq for {@code use}; null when it can or its size is unknown. */
    static String refusal(DataSource dataSource, String use) {
        Known known = of(dataSource);
        return known == null ? null : refusal(known.size(), known.source(), use);
    }
}
