package dev.dbmq.internal;

import java.sql.Connection;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.tools.jdbc.MockConnection;
import org.jooq.tools.jdbc.MockResult;

/**
 * A JDBC connection to no database: every statement "changes" one row and every query returns the same one row, whose
 * columns (up to {@value #COLUMNS}) all read as {@code 1} (or {@code "1"}); nothing is stored. Statements run through
 * jOOQ on it do everything but reach a database: jOOQ loads its classes, renders, binds, and reads a row into records.
 * {@code dev.dbmq.ForemanWarmUp} runs a foreman's statements on it, so that this first-use work is done before the
 * foreman's threads run them for real, inside the database's lock. Thread-safe; closing it does nothing.
 */
public final class OfflineConnection {

    /** More columns than any of the queue's statements reads. */
    public static final int COLUMNS = 16;

    private OfflineConnection() {
    }

    public static Connection open() {
        return new MockConnection(ctx -> new MockResult[] {new MockResult(1, oneRow())});
    }

    private static Result<Record> oneRow() {
        DSLContext dsl = DSL.using(SQLDialect.DEFAULT);
        Field<?>[] fields = new Field<?>[COLUMNS];
        for (int i = 0; i < COLUMNS; i++) {
            fields[i] = DSL.field(DSL.name("c" + i), String.class);
        }
        Result<Record> result = dsl.newResult(fields);
        Record row = dsl.newRecord(fields);
        for (Field<?> f : fields) {
            row.set(DSL.field(f.getQualifiedName(), String.class), "1");
        }
        result.add(row);
        return result;
    }
}
