package dev.dbmq.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

/**
 * Statements written once and run on the JDBC connection of a jOOQ context, bound by position: for the statements
 * every claim on PostgreSQL runs. jOOQ renders a query object on each run, and parses a plain-SQL template for its
 * placeholders, which took more of a claim's client CPU than anything else (JFR samples of the workers in
 * {@code PostgresLimitBenchmark}); on a busy machine the claim's transaction then waits on the client between its
 * statements. pgjdbc prepares a statement on the server after a few runs on a connection, keyed by its text.
 *
 * <p>Binds: a {@code String[]}, {@code Integer[]} or {@code Long[]} as a PostgreSQL array (text, int4, int8); null as a
 * value of no stated type, which the statement's context types; anything else as JDBC's {@code setObject} does.
 */
public final class Jdbc {

    private Jdbc() {
    }

    /** Reads one row, the result set positioned on it. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Runs a statement that returns rows (a SELECT, or a write with RETURNING) and reads every row. */
    public static <T> List<T> query(DSLContext dsl, String sql, RowReader<T> reader, Object... binds) {
        return dsl.connectionResult(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(c, ps, binds);
                try (ResultSet rs = ps.executeQuery()) {
                    List<T> rows = new ArrayList<>();
                    while (rs.next()) {
                        rows.add(reader.read(rs));
                    }
                    return rows;
                }
            } catch (SQLException e) {
                throw failed(sql, e);
            }
        });
    }

    /** Runs a statement that returns no rows; returns how many rows it wrote. */
    public static int execute(DSLContext dsl, String sql, Object... binds) {
        return dsl.connectionResult(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(c, ps, binds);
                return ps.executeUpdate();
            } catch (SQLException e) {
                throw failed(sql, e);
            }
        });
    }

    /** As jOOQ reports a failed statement: its SQL and the driver's message, the driver's exception as the cause. */
    private static DataAccessException failed(String sql, SQLException e) {
        return new DataAccessException("SQL [" + sql + "]; " + e.getMessage(), e);
    }

    private static void bind(Connection c, PreparedStatement ps, Object[] binds) throws SQLException {
        for (int i = 0; i < binds.length; i++) {
            Object v = binds[i];
            if (v == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (v instanceof String[] a) {
                ps.setArray(i + 1, c.createArrayOf("text", a));
            } else if (v instanceof Integer[] a) {
                ps.setArray(i + 1, c.createArrayOf("int4", a));
            } else if (v instanceof Long[] a) {
                ps.setArray(i + 1, c.createArrayOf("int8", a));
            } else {
                ps.setObject(i + 1, v);
            }
        }
    }
}
