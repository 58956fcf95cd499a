package me.gocertify.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which stores only this process can open: there the rate slots live in memory (MerchantRateLimiter.inMemory). */
class EmbeddedH2Test {

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:h2:file:./data/bridge;WRITE_DELAY=0", "jdbc:h2:./data/bridge", "jdbc:h2:mem:test",
            "JDBC:H2:FILE:/var/lib/bridge/data/bridge"})
    void embeddedH2IsThisProcessAlone(String url) {
        assertThat(Database.isEmbeddedH2(url)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:h2:tcp://db-host/bridge", "jdbc:h2:ssl://db-host/bridge",
            "jdbc:h2:file:./data/bridge;AUTO_SERVER=TRUE", "jdbc:h2:file:./data/bridge;auto_server = true",
            "jdbc:postgresql://db-host:5432/bridge"})
    void aStoreOtherProcessesCanOpenIsShared(String url) {
        assertThat(Database.isEmbeddedH2(url)).isFalse();
    }
}
