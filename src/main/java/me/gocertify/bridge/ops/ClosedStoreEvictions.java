package me.gocertify.bridge.ops;

import java.sql.SQLException;

import org.h2.api.ErrorCode;
import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops Hikari's WARN line, with its stack trace, for each connection it drops because H2 closed the embedded
 * store (error 90098). While the disk is full H2 closes the store at every write it cannot make and the pool
 * opens it again, so that line came several times a second (189 in a 20 s outage, session 32); store.Database
 * says it instead, at most once a minute. Hikari's line for any other broken connection (PostgreSQL's among
 * them) stays. A turbo filter, as Hikari logs it from its own classes: installed by BridgeLogging.
 */
public final class ClosedStoreEvictions extends TurboFilter {

    /** The logger of Hikari's line ("Connection ... marked as broken because of SQLSTATE(...), ErrorCode(...)"). */
    static final String HIKARI_CONNECTION = "com.zaxxer.hikari.pool.ProxyConnection";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.WARN || params == null || params.length == 0 || !HIKARI_CONNECTION.equals(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        // SLF4J passes the exception as the last argument
        return params[params.length - 1] instanceof SQLException e && e.getErrorCode() == ErrorCode.DATABASE_IS_CLOSED
                ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
