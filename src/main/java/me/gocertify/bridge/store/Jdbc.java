package me.gocertify.bridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

/** Plain JDBC with the boilerplate folded away; any failure of the store is a {@link StoreUnavailable}. */
public final class Jdbc {

    /** Work done on one connection inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    /** One statement and its parameters. */
    public record Statement(String sql, Object... parameters) {
    }

    private final DataSource dataSource;
    private final GroupCommit groupCommit;
    private volatile Boolean h2;

    public Jdbc(DataSource dataSource) {
        this(dataSource, null);
    }

    /** @param groupCommit when not null, {@link #insertTogetherUnlessPresent} commits through it */
    public Jdbc(DataSource dataSource, GroupCommit groupCommit) {
        this.dataSource = dataSource;
        this.groupCommit = groupCommit;
    }

    /**
     * " FOR UPDATE SKIP LOCKED" on a shared server (PostgreSQL), where instances claiming together
     * should skip each other's rows; nothing on H2, a one-process store, where FOR UPDATE makes H2 read
     * and lock every matching row before FETCH FIRST applies (all of a back-log, on every pass).
     */
    public String skipLocked(Connection c) throws SQLException {
        return isH2(c) ? "" : " FOR UPDATE SKIP LOCKED";
    }

    /**
     * Asked of the connection the caller holds, never of a second one from the pool: a thread holding one
     * connection while it waits for another can starve the pool. It did when H2 closed the store on a full
     * disk: the group commit's writer held the one new connection, which kept the closed database (and so
     * its file's lock) alive, while it waited 30 s for a second that could not open the file (FullDiskTest).
     */
    private boolean isH2(Connection c) throws SQLException {
        Boolean answer = h2;
        if (answer == null) {
            answer = c.getMetaData().getDatabaseProductName().startsWith("H2");
            h2 = answer;
        }
        return answer;
    }

    public int update(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection()) {
            return update(c, sql, parameters);
        } catch (SQLException e) {
            throw new StoreUnavailable("the store did not accept an update", e);
        }
    }

    /** Like {@link #update} but a unique-key violation answers false instead of failing. */
    public boolean insertUnlessPresent(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection()) {
            return insertUnlessPresent(c, sql, parameters);
        } catch (SQLException e) {
            throw new StoreUnavailable("the store did not accept an insert", e);
        }
    }

    /** The row inserted on this connection, or false when its key is already there (H2 then undoes that statement alone). */
    static boolean insertUnlessPresent(Connection c, String sql, Object... parameters) throws SQLException {
        try {
            update(c, sql, parameters);
            return true;
        } catch (SQLException e) {
            if (isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Like {@link #insertUnlessPresent}; with a {@link GroupCommit}, the row is committed together with
     * the ones other threads insert meanwhile. Either way it answers only once the row is committed.
     */
    public boolean insertTogetherUnlessPresent(String sql, Object... parameters) {
        return groupCommit == null ? insertUnlessPresent(sql, parameters)
                : groupCommit.inSharedTransaction(c -> insertUnlessPresent(c, sql, parameters));
    }

    /**
     * {@link #insertTogetherUnlessPresent}'s answer to come, without waiting for it: with a {@link GroupCommit},
     * completed on its writer's thread once committed; without one, null (the caller inserts and waits).
     */
    public CompletableFuture<Boolean> insertTogetherUnlessPresentLater(String sql, Object... parameters) {
        return groupCommit == null ? null : groupCommit.inNextTransaction(c -> insertUnlessPresent(c, sql, parameters));
    }

    /**
     * Each insert unless its key is already there, in their order and in one transaction (with a
     * {@link GroupCommit}, one piece of a shared commit): where inserted, true. Answers once all are
     * committed; when the store fails, none of them is.
     */
    public boolean[] insertAllUnlessPresent(List<Statement> inserts) {
        return inSharedTransaction(c -> {
            boolean onH2 = isH2(c);
            boolean[] inserted = new boolean[inserts.size()];
            for (int i = 0; i < inserts.size(); i++) {
                Statement insert = inserts.get(i);
                // H2 undoes a failed statement alone; on PostgreSQL a failed statement would end the
                // transaction, so a duplicate is skipped there instead (H2 knows no ON CONFLICT)
                inserted[i] = onH2 ? insertUnlessPresent(c, insert.sql(), insert.parameters())
                        : update(c, insert.sql() + " ON CONFLICT DO NOTHING", insert.parameters()) == 1;
            }
            return inserted;
        });
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... parameters) {
        try (Connection c = dataSource.getConnection()) {
            return query(c, sql, mapper, parameters);
        } catch (SQLException e) {
            throw new StoreUnavailable("the store did not answer a query", e);
        }
    }

    /**
     * Like {@link #inTransaction}; with a {@link GroupCommit}, the work shares its commit with what other
     * threads write meanwhile (it must then be short, and is undone alone when it fails). Either way it
     * answers only once the work is committed.
     */
    public <T> T inSharedTransaction(Work<T> work) {
        return groupCommit == null ? inTransaction(work) : groupCommit.inSharedTransaction(work);
    }

    /** Runs the work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreUnavailable("the store did not commit a transaction", e);
        }
    }

    /** Like {@link #query} on the transaction's connection. */
    public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(c, sql, parameters); ResultSet rows = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(mapper.map(rows));
            }
            return result;
        }
    }

    /** Like {@link #update} on the transaction's connection. */
    public static int update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(c, sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    /**
     * SQL for the database's own clock plus a duration, so that every instance judges leases and
     * rate windows by one clock (the same text runs on H2 and PostgreSQL).
     */
    public static String nowPlus(java.time.Duration duration) {
        long millis = duration.toMillis();
        String sign = millis < 0 ? "-" : "+";
        millis = Math.abs(millis);
        return "(CURRENT_TIMESTAMP " + sign + " INTERVAL '" + (millis / 1000) + "." + String.format("%03d", millis % 1000) + "' SECOND)";
    }

    /** A unique-key violation (SQL state 23505, on H2 and PostgreSQL alike). */
    static boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    public static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp timestamp = row.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    static PreparedStatement prepare(Connection c, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = c.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            Object value = parameters[i];
            statement.setObject(i + 1, value instanceof Instant instant ? Timestamp.from(instant) : value);
        }
        return statement;
    }
}
