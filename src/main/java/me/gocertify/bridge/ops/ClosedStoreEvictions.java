package me.gocertify.bridge.ops;

import java.sql.SQLException;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import me.gocertify.bridge.store.Database;

/**
 * Hikari's WARN line, with its stack trace, for each connection it drops because H2 closed the embedded store
 * (error 90098), which LeakyLoggerFilter drops. While the disk is full H2 closes the store at every write it
 * cannot make and the pool opens it again, so that line came several times a second (189 in a 20 s outage,
 * session 32); store.Database says it instead, at most once a minute. Hikari's line for any other broken
 * connection (PostgreSQL's among them) stays.
 */
final class ClosedStoreEvictions {

    /** The logger of Hikari's line ("Connection ... marked as broken because of SQLSTATE(...), ErrorCode(...)"). */
    static final String HIKARI_CONNECTION = "com.zaxxer.hikari.pool.ProxyConnection";

    private ClosedStoreEvictions() {
    }

    /** Whether this log call is Hikari's line for a connection to a store H2 has closed. */
    static boolean isOne(Logger logger, Level level, Object[] params) {
        if (level != Level.WARN || params == null || params.length == 0 || !HIKARI_CONNECTION.equals(logger.getName())) {
            return false;
        }
        // SLF4J passes the exception as the last argument
        return params[params.length - 1] instanceof SQLException e && Database.closedByH2(e);
    }
}
