package me.gocertify.bridge.ops;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import me.gocertify.bridge.store.Database;

/**
 * Silences the loggers that print secrets verbatim, where no mask can reach: raw HTTP client
 * traffic (Yotpo's x-api-key and x-guid) at every level; resolved property values (the master
 * key, the admin token), bean call arguments (bearer tokens) and Hawtio's web server (its Basic
 * login) below INFO. Installed by BridgeLogging before any configuration file is read, so
 * turning any logger up to TRACE cannot bring them back.
 * <p>
 * It also drops Hikari's WARN line, with its stack trace, for each connection the pool drops because H2 closed the
 * embedded store (error 90098): while the disk is full H2 closes the store at every write it cannot make and the
 * pool opens it again, so that line came several times a second (189 in a 20 s outage, session 32);
 * store.Database says it instead, at most once a minute. Hikari's line for any other broken connection
 * (PostgreSQL's among them) stays. One turbo filter for both, as logback copies its list of turbo filters at
 * every log call once it holds two.
 */
public final class LeakyLoggerFilter extends TurboFilter {

    /** The logger of Hikari's line ("Connection ... marked as broken because of SQLSTATE(...), ErrorCode(...)"). */
    static final String HIKARI_CONNECTION = "com.zaxxer.hikari.pool.ProxyConnection";

    private final List<String> always = new ArrayList<>(List.of(
            "org.apache.hc.client5.http.wire", "org.apache.hc.client5.http.headers",
            "org.apache.http.wire", "org.apache.http.headers"));
    private final List<String> belowInfo = new ArrayList<>(List.of(
            "org.apache.camel.component.properties", "org.apache.camel.component.bean",
            // Hawtio's Jetty prints request headers (the Basic login) when debugging; Hawtio and Jolokia their requests
            "org.eclipse.jetty", "io.hawt", "org.jolokia"));

    /**
     * What each logger seen so far is: asked on every log call, even for levels that are off (Camel
     * asks isTraceEnabled at every step), so looked up by the logger's identity, not its name.
     */
    private final Map<Logger, Silence> byLogger = new ConcurrentHashMap<>();

    private enum Silence { NEVER, ALWAYS, BELOW_INFO, CLOSED_STORE_WARNINGS }

    /** Another logger name (or prefix) silenced at every level (a turboFilter element in a logback file). */
    public void addAlways(String name) {
        always.add(name);
        byLogger.clear();
    }

    /** Another logger name (or prefix) silenced below INFO (a turboFilter element in a logback file). */
    public void addBelowInfo(String name) {
        belowInfo.add(name);
        byLogger.clear();
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != null && level.levelInt < logger.getEffectiveLevel().levelInt) {
            // below the logger's level: logback drops it after a NEUTRAL anyway. Nearly every call is one
            // of these (Camel asks isTraceEnabled at every step); answered before the map lookup, a webhook
            // costs 0.19 to 0.20 ms of CPU instead of 0.24 to 0.26 under load (BENCHMARKS.md, session 9)
            return FilterReply.NEUTRAL;
        }
        Silence silence = byLogger.get(logger);
        if (silence == null) {
            String name = logger.getName();
            silence = startsWithAny(name, always) ? Silence.ALWAYS : startsWithAny(name, belowInfo) ? Silence.BELOW_INFO
                    : name.equals(HIKARI_CONNECTION) ? Silence.CLOSED_STORE_WARNINGS : Silence.NEVER;
            byLogger.put(logger, silence);
        }
        if (silence == Silence.ALWAYS || silence == Silence.BELOW_INFO && level != null && !level.isGreaterOrEqual(Level.INFO)) {
            return FilterReply.DENY;
        }
        if (silence == Silence.CLOSED_STORE_WARNINGS && level == Level.WARN && closedByH2(params)) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }

    /** Whether a log call's exception (SLF4J passes it as the last argument) is H2's "the database has been closed". */
    private static boolean closedByH2(Object[] params) {
        return params != null && params.length > 0 && params[params.length - 1] instanceof SQLException e && Database.closedByH2(e);
    }

    private static boolean startsWithAny(String name, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
