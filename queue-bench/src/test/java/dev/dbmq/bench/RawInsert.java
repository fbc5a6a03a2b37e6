package dev.dbmq.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The floor: the single-row INSERT that {@code TaskQueue.enqueue} makes, in raw JDBC, in autocommit (one
 * transaction per row), returning the id as enqueue does. Two variants: the statement prepared for each insert (what
 * plain JDBC code, and jOOQ by default, do) and prepared once and reused (the cheapest way JDBC allows).
 */
final class RawInsert implements AutoCloseable {

    /** Hand-written on purpose: this is the floor we measure the library against, not library code. */
    static final String SQL = "INSERT INTO dbmq_task (task_name, args, created_at) VALUES (?, ?, ?) RETURNING id";

    private final Connection connection;
    private final PreparedStatement cached;

    RawInsert(Connection connection) throws SQLException {
        this.connection = connection;
        this.cached = connection.prepareStatement(SQL);
    }

    long insertPreparedEachTime(String taskName, String args, long createdAt) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SQL)) {
            return run(ps, taskName, args, createdAt);
        }
    }

    long insertReusingStatement(String taskName, String args, long createdAt) throws SQLException {
        return run(cached, taskName, args, createdAt);
    }

    private static long run(PreparedStatement ps, String taskName, String args, long createdAt) throws SQLException {
        ps.setString(1, taskName);
        ps.setString(2, args);
        ps.setLong(3, createdAt);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        cached.close();
        connection.close();
    }
}
