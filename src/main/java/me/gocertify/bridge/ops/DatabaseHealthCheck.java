package me.gocertify.bridge.ops;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Ready only while the store takes a write: without one no webhook can be recorded (contract 7). A read alone
 * is not enough: H2 on a full disk still reads, while every webhook gets a 503. So each check updates the one
 * row of {@code store_probe} (migration V5): one small commit.
 */
public final class DatabaseHealthCheck extends AbstractHealthCheck {

    private static final int TIMEOUT_SECONDS = 2;
    private static final String PROBE = "UPDATE store_probe SET checked_at = CURRENT_TIMESTAMP WHERE id = 1";

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
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (Exception e) {
            // the driver's message can name hosts and users: only the kind of failure is shown
            builder.down().message("the database is unreachable (" + e.getClass().getSimpleName() + ")");
            return;
        }
        try (connection; PreparedStatement probe = connection.prepareStatement(PROBE)) {
            probe.setQueryTimeout(TIMEOUT_SECONDS);
            probe.executeUpdate();
            builder.up();
        } catch (SQLTimeoutException e) {
            builder.down().message("the database did not take a write within " + TIMEOUT_SECONDS + " s");
        } catch (SQLException | RuntimeException e) {
            builder.down().message("the database does not take writes (" + e.getClass().getSimpleName() + ")");
        }
    }
}
