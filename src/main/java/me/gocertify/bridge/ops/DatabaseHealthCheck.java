package me.gocertify.bridge.ops;

import java.sql.Connection;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Ready only while the store answers: without it no webhook can be recorded (contract 7). */
public final class DatabaseHealthCheck extends AbstractHealthCheck {

    private static final int TIMEOUT_SECONDS = 2;

    private final DataSource dataSource;

    public DatabaseHealthCheck(DataSource dataSource) {
        super("bridge", "database");
        this.dataSource = dataSource;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(TIMEOUT_SECONDS)) {
                builder.up();
            } else {
                builder.down().message("the database did not answer within " + TIMEOUT_SECONDS + " s");
            }
        } catch (Exception e) {
            // the driver's message can name hosts and users: only the kind of failure is shown
            builder.down().message("the database is unreachable (" + e.getClass().getSimpleName() + ")");
        }
    }
}
