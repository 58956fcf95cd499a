package me.gocertify.bridge.ops;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Denies, at every level, the loggers that dump raw HTTP traffic (Apache HttpClient's wire and
 * headers logs): they would print Yotpo's x-api-key and x-guid, and nothing can mask them there.
 * Configured in logback.xml, so turning a logger up to TRACE cannot bring them back.
 */
public final class RawHttpLogFilter extends TurboFilter {

    private final List<String> denied = new ArrayList<>(List.of(
            "org.apache.hc.client5.http.wire", "org.apache.hc.client5.http.headers",
            "org.apache.http.wire", "org.apache.http.headers"));

    /** Another logger name (or prefix) to deny, from logback.xml. */
    public void addLogger(String name) {
        denied.add(name);
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        String name = logger.getName();
        for (String prefix : denied) {
            if (name.startsWith(prefix)) {
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }
}
