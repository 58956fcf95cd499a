package me.gocertify.bridge.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.camel.support.service.ServiceSupport;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Opens the store and brings its schema up to date (Flyway) on a thread of its own, begun as soon
 * as the bridge is configured, so that it runs while Camel reads and builds the routes; starting
 * this service (before any route starts) waits for it, and fails the start if it failed. Stopping
 * it closes the pool, after every service and route that uses it.
 */
public final class SchemaMigration extends ServiceSupport {

    private final HikariDataSource dataSource;
    private final CompletableFuture<Void> migrated = new CompletableFuture<>();

    public SchemaMigration(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Begins the migration at once (not at doStart, which comes after the routes are built). */
    public SchemaMigration begin() {
        Thread thread = new Thread(() -> {
            try {
                Database.migrate(dataSource);
                migrated.complete(null);
            } catch (Throwable e) {
                migrated.completeExceptionally(e);
            }
        }, "bridge-db:migration");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    @Override
    protected void doStart() throws Exception {
        try {
            migrated.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Override
    protected void doStop() {
        dataSource.close();
    }
}
