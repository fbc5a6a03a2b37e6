package dev.dbmq.internal.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Query;

/**
 * The hot path's statements (enqueue's INSERT, the foreman's claim) prepared once per connection, so a call only
 * binds and executes. Rendering by jOOQ and parsing by SQLite on every call cost about as much as the insert itself
 * (queue-bench: EnqueueThroughputBenchmark against raw JDBC).
 *
 * <p>The SQL still comes from jOOQ and the generated classes: {@link #render} renders a query once, with placeholders,
 * and checks its bind values are the ones the caller will bind by position. Only binding and reading are by hand.
 *
 * <p>Owned by {@link SqliteDatabase}, one per connection, reached through the {@link DSLContext} that database hands
 * out ({@link #of}) or handed over directly ({@code SqliteDatabase.autocommitStatements}); used only by the thread holding that database's lock, and closed with the connection. A context
 * without one (an application's own transaction, PostgreSQL) takes jOOQ's ordinary path.
 */
final class SqliteStatementCache implements AutoCloseable {

    private static final String KEY = SqliteStatementCache.class.getName();

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    /** SqliteDatabase makes one per connection. */
    SqliteStatementCache(Connection connection) {
        this.connection = connection;
    }

    /** Attaches this cache to a context on its connection, for {@link #of}; SqliteDatabase calls it once. */
    void attach(DSLContext dsl) {
        dsl.configuration().data(KEY, this);
    }

    /** The cache of the connection behind this context, or null when it has none. */
    static SqliteStatementCache of(DSLContext dsl) {
        return (SqliteStatementCache) dsl.configuration().data(KEY);
    }

    /**
     * Renders a query once with {@code ?} placeholders; fails fast (at class initialisation of the caller) when its
     * bind values are not {@code expectedBindValues}, in order (compared as text: jOOQ may widen a number's type), so
     * binding by position can't go wrong.
     */
    static String render(Query query, List<?> expectedBindValues) {
        List<Object> actual = query.getBindValues();
        if (!actual.stream().map(String::valueOf).toList()
                .equals(expectedBindValues.stream().map(String::valueOf).toList())) {
            throw new IllegalStateException("rendered query binds " + actual + ", expected " + expectedBindValues
                    + ": " + query.getSQL());
        }
        return query.getSQL();
    }

    /** The statement for this SQL, prepared at its first use on this connection. */
    PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    /**
     * Drops the statement for this SQL after it failed: sqlite-jdbc leaves a statement that threw unusable ("statement
     * is not executing"), so keeping it would fail every later call, e.g. strand the foreman's claims after one
     * transient error.
     */
    void discard(String sql) {
        PreparedStatement statement = statements.remove(sql);
        if (statement != null) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // closing is best effort
            }
        }
    }

    @Override
    public void close() {
        for (PreparedStatement statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // closing is best effort; the connection closes next
            }
        }
        statements.clear();
    }
}
