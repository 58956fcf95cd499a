package me.gocertify.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

/** Inserts committed together still answer one by one: inserted, a duplicate, or refused. */
class GroupCommitTest {

    @TempDir
    Path dir;

    HikariDataSource dataSource;
    GroupCommit groupCommit;
    Jdbc jdbc;

    @BeforeEach
    void open() {
        dataSource = Database.open("jdbc:h2:file:" + dir.resolve("store").toAbsolutePath(), "bridge", "", 4);
        groupCommit = new GroupCommit(dataSource, 100);
        groupCommit.start();
        jdbc = new Jdbc(dataSource, groupCommit);
    }

    @AfterEach
    void close() {
        groupCommit.stop();
        dataSource.close();
    }

    @Test
    void eachKeyIsInsertedOnceWhoeverSendsItAtTheSameTime() throws Exception {
        AtomicInteger inserted = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                all.add(threads.submit(() -> {
                    for (int key = 0; key < 50; key++) {
                        if (jdbc.insertTogetherUnlessPresent("INSERT INTO inbox_claim (file_key, holder, lease_until)"
                                + " VALUES (?, 'test', CURRENT_TIMESTAMP)", "file-" + key)) {
                            inserted.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> each : all) {
                each.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(inserted).hasValue(50);
        assertThat(jdbc.query("SELECT COUNT(*) FROM inbox_claim", row -> row.getInt(1))).containsExactly(50);
    }

    @Test
    void aBrokenInsertFailsAloneAndTheOthersAreCommitted() {
        assertThatThrownBy(() -> jdbc.insertTogetherUnlessPresent("INSERT INTO no_such_table (x) VALUES (?)", 1))
                .isInstanceOf(StoreUnavailable.class);
        assertThat(jdbc.insertTogetherUnlessPresent("INSERT INTO inbox_claim (file_key, holder, lease_until)"
                + " VALUES (?, 'test', CURRENT_TIMESTAMP)", "after")).isTrue();
        assertThat(jdbc.query("SELECT file_key FROM inbox_claim", row -> row.getString(1))).containsExactly("after");
    }

    @Test
    void afterStopInsertsAreRefused() {
        groupCommit.stop();
        assertThatThrownBy(() -> jdbc.insertTogetherUnlessPresent("INSERT INTO inbox_claim (file_key, holder, lease_until)"
                + " VALUES (?, 'test', CURRENT_TIMESTAMP)", "late")).isInstanceOf(StoreUnavailable.class);
    }
}
