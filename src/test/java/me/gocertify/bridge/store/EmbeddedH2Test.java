package me.gocertify.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.zaxxer.hikari.HikariDataSource;

/** The H2 URL's settings, and which stores only this process can open: there the rate slots live in memory (MerchantRateLimiter.inMemory). */
class EmbeddedH2Test {

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:h2:file:./data/bridge;WRITE_DELAY=0", "jdbc:h2:./data/bridge", "jdbc:h2:mem:test",
            "JDBC:H2:FILE:/var/lib/bridge/data/bridge"})
    void embeddedH2IsThisProcessAlone(String url) {
        assertThat(Database.isEmbeddedH2(url)).isTrue();
    }

    @Test
    void anH2UrlGetsTheSettingsTheBridgeReliesOnUnlessItNamesItsOwn() {
        assertThat(Database.withBridgeH2Settings("jdbc:h2:file:./data/bridge"))
                .isEqualTo("jdbc:h2:file:./data/bridge;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=128;CACHE_SIZE=2048");
        assertThat(Database.withBridgeH2Settings("jdbc:h2:file:./data/bridge;CACHE_SIZE=65536;WRITE_DELAY=0"))
                .isEqualTo("jdbc:h2:file:./data/bridge;CACHE_SIZE=65536;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=128");
        assertThat(Database.withBridgeH2Settings("jdbc:postgresql://db-host:5432/bridge")).isEqualTo("jdbc:postgresql://db-host:5432/bridge");
    }

    @Test
    void theStoreOpensWithASmallPageCache(@TempDir Path dir) throws SQLException {
        try (HikariDataSource dataSource = Database.open("jdbc:h2:file:" + dir.resolve("store").toAbsolutePath(), "bridge", "", 2);
                Connection c = dataSource.getConnection();
                ResultSet setting = c.createStatement().executeQuery(
                        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.CACHE_MAX_SIZE'")) {
            assertThat(setting.next()).isTrue();
            // in MB
            assertThat(setting.getInt(1)).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:h2:tcp://db-host/bridge", "jdbc:h2:ssl://db-host/bridge",
            "jdbc:h2:file:./data/bridge;AUTO_SERVER=TRUE", "jdbc:h2:file:./data/bridge;auto_server = true",
            "jdbc:postgresql://db-host:5432/bridge"})
    void aStoreOtherProcessesCanOpenIsShared(String url) {
        assertThat(Database.isEmbeddedH2(url)).isFalse();
    }
}
